import WinnowCore

/// What HF's `Tokenizer.encode(text)` does to one text's ids after the model: the
/// post-processor's special tokens (only with `add_special_tokens=True`), then `truncation`
/// and `padding` (always, as HF applies both blocks to every encode).
/// For a single text every post-processor HF has (TemplateProcessing, RobertaProcessing,
/// BertProcessing, ByteLevel and Sequences of them) reduces to ids before and ids after.
public struct PostProcessing: Sendable, Equatable {
    /// Special-token ids put before and after the text's ids.
    public var prefix: [UInt32] = []
    public var suffix: [UInt32] = []
    public var truncation: Truncation?
    public var padding: Padding?

    public init(prefix: [UInt32] = [], suffix: [UInt32] = [], truncation: Truncation? = nil, padding: Padding? = nil) {
        self.prefix = prefix
        self.suffix = suffix
        self.truncation = truncation
        self.padding = padding
    }

    /// HF's `truncation` block: `max_length` counts the added special tokens too.
    public struct Truncation: Sendable, Equatable {
        public var maxLength: Int
        /// Keep the last ids instead of the first (`direction: "Left"`).
        public var fromLeft: Bool
    }

    /// HF's `padding` block. `BatchLongest` pads a single text only up to `pad_to_multiple_of`;
    /// `Fixed(n)` pads it to n.
    public struct Padding: Sendable, Equatable {
        public var length: Int?
        public var multiple: Int?
        public var id: UInt32
        public var onLeft: Bool
    }

    public var isIdentity: Bool { prefix.isEmpty && suffix.isEmpty && truncation == nil && padding == nil }

    /// The final ids of one text whose model ids are `ids`.
    public func apply(_ ids: [UInt32], addSpecialTokens: Bool) -> [UInt32] {
        var body = ids
        let added = addSpecialTokens ? prefix.count + suffix.count : 0
        if let truncation {
            let room = max(0, truncation.maxLength - added)
            if body.count > room { body = truncation.fromLeft ? Array(body.suffix(room)) : Array(body.prefix(room)) }
        }
        var out = addSpecialTokens ? prefix + body + suffix : body
        if let padding {
            var target = padding.length ?? out.count
            if let multiple = padding.multiple, multiple > 0, target % multiple != 0 { target += multiple - target % multiple }
            if out.count < target {
                let pad = [UInt32](repeating: padding.id, count: target - out.count)
                out = padding.onLeft ? pad + out : out + pad
            }
        }
        return out
    }
}

/// A tokenizer.json tokenizer whose post-processor adds special tokens, or that truncates or
/// pads: the model's tokenizer with HF's steps after it. Encoders truncate and pad every text
/// (as HF's `encode` does); special tokens are added only through `encodeForModel`.
public struct PostProcessedTokenizer: LoadedTokenizer {
    public let base: any LoadedTokenizer
    public let postProcessing: PostProcessing

    public var vocabularySize: Int { base.vocabularySize }
    public var specialTokens: [String: UInt32] { base.specialTokens }
    public func tokenString(_ id: UInt32) -> String { base.tokenString(id) }
    public func decode(_ ids: [UInt32]) throws -> [UInt8] { try base.decode(ids) }
    public var specialTokensAroundText: (before: [UInt32], after: [UInt32]) { (postProcessing.prefix, postProcessing.suffix) }

    public var summary: [String] {
        var lines = base.summary
        let name = { (ids: [UInt32]) in ids.isEmpty ? "nothing" : ids.map { "\(base.tokenString($0))=\($0)" }.joined(separator: " ") }
        lines.append("post-processor (with special tokens): \(name(postProcessing.prefix)) before, \(name(postProcessing.suffix)) after")
        if let t = postProcessing.truncation { lines.append("truncation: \(t.maxLength) ids, keeping the \(t.fromLeft ? "last" : "first")") }
        if let p = postProcessing.padding {
            lines.append("padding: id \(p.id) on the \(p.onLeft ? "left" : "right") to \(p.length.map(String.init) ?? "the text's length")"
                + (p.multiple.map { ", a multiple of \($0)" } ?? ""))
        }
        return lines
    }

    public func makeEncoder(specials: SpecialTokenPolicy) -> any TokenEncoder {
        let inner = base.makeEncoder(specials: specials)
        guard postProcessing.truncation != nil || postProcessing.padding != nil else { return inner }
        return Encoder(inner: inner, postProcessing: postProcessing, addSpecialTokens: false)
    }

    struct Encoder: TokenEncoder {
        var inner: any TokenEncoder
        let postProcessing: PostProcessing
        let addSpecialTokens: Bool
        var scratch: [UInt32] = []

        mutating func encode(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) throws {
            scratch.removeAll(keepingCapacity: true)
            try inner.encode(text, into: &scratch)
            ids += postProcessing.apply(scratch, addSpecialTokens: addSpecialTokens)
        }
    }
}

extension LoadedTokenizer {
    /// What the file says to do after the model (nothing for files without a post-processor).
    public var postProcessing: PostProcessing { (self as? PostProcessedTokenizer)?.postProcessing ?? PostProcessing() }

    /// An encoder giving the ids HF's `encode(text, add_special_tokens:)` gives: the model's
    /// ids, then the post-processor's special tokens when asked, truncation and padding.
    public func makeEncoder(specials: SpecialTokenPolicy, addSpecialTokens: Bool) -> any TokenEncoder {
        guard let processed = self as? PostProcessedTokenizer else { return makeEncoder(specials: specials) }
        return PostProcessedTokenizer.Encoder(inner: processed.base.makeEncoder(specials: specials), postProcessing: processed.postProcessing,
                                              addSpecialTokens: addSpecialTokens)
    }

    public func encode(_ text: [UInt8], specials: SpecialTokenPolicy = .recognize, addSpecialTokens: Bool) throws -> [UInt32] {
        var encoder = makeEncoder(specials: specials, addSpecialTokens: addSpecialTokens)
        var ids: [UInt32] = []
        try text.withUnsafeBufferPointer { try encoder.encode($0, into: &ids) }
        return ids
    }
}
