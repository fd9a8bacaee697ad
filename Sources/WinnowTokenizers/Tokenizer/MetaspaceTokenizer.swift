import WinnowCore

/// A sentencepiece-style BPE tokenizer as HF converts Llama 2 and Mistral: spaces become `▁`
/// (U+2581), a `▁` is prepended, the vocabulary is of characters, characters outside it fall
/// back to `<0xHH>` byte tokens (or the unknown token), and merges apply by rank over the whole
/// segment between special tokens.
public struct MetaspaceTokenizer: Tokenizer {
    /// When a `▁` is prepended to a segment of text.
    public enum Prepend: String, Sendable {
        /// Every segment (HF's `Prepend("▁")` normalizer, Llama 2's conversion; or Metaspace
        /// `always`, which skips segments already starting with `▁`).
        case always
        /// Only the segment at the start of the text (Metaspace `first`, Mistral).
        case first
        case never
    }

    /// Token id → the UTF-8 of its vocabulary string (specials: their text).
    public let vocabulary: BPEVocabulary
    public let prepend: Prepend
    /// Metaspace `always` does not prepend to a segment already starting with `▁`; the
    /// `Prepend` normalizer does.
    public let prependEvenAfterSpace: Bool
    /// Metaspace `split`: each `▁` starts a new word.
    public let splitWords: Bool
    let model: BPEModel
    let fallback: BPEModel.CharacterFallback
    public let specialTokens: [String: UInt32]
    /// Byte of each `<0xHH>` token, for decoding.
    let byteOfToken: [UInt32: UInt8]

    init(vocabulary: BPEVocabulary, prepend: Prepend, prependEvenAfterSpace: Bool, splitWords: Bool,
         byteFallback: Bool, unknown: UInt32?, fuseUnknown: Bool) throws {
        self.vocabulary = vocabulary
        self.prepend = prepend
        self.prependEvenAfterSpace = prependEvenAfterSpace
        self.splitWords = splitWords
        model = BPEModel(vocabulary, ignoreMerges: false)
        var idOfString: [String: UInt32] = [:]
        for (id, bytes) in vocabulary.tokens.enumerated() { idOfString[String(decoding: bytes, as: UTF8.self)] = UInt32(id) }
        var byteTokens: [UInt32] = []
        var byteOf: [UInt32: UInt8] = [:]
        for byte in 0..<256 {
            let name = "<0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) + ">"
            if let id = idOfString[name] {
                byteTokens.append(id)
                byteOf[id] = UInt8(byte)
            }
        }
        if byteFallback, byteTokens.count != 256 {
            throw WinnowError.invalid("byte_fallback is set but the vocabulary has \(byteTokens.count) of the 256 <0xHH> tokens")
        }
        byteOfToken = byteOf
        fallback = .init(byteTokens: byteFallback ? byteTokens : nil, unknown: unknown, fuseUnknown: fuseUnknown)
        var specials: [String: UInt32] = [:]
        for special in vocabulary.specials { specials[special.content] = special.id }
        specialTokens = specials
    }

    public var vocabularySize: Int { vocabulary.count }

    public func makeEncoder(specials: SpecialTokenPolicy) -> any TokenEncoder {
        MetaspaceEncoder(tokenizer: self, policy: specials)
    }

    /// The bytes of the ids: `▁` back to spaces, byte tokens to their bytes, and the one space
    /// the prepended `▁` became removed from the start (HF's Strip / Metaspace decoder).
    public func decode(_ ids: [UInt32]) throws -> [UInt8] {
        var out: [UInt8] = []
        for id in ids {
            guard Int(id) < vocabulary.count else {
                throw WinnowError.invalid("token id \(id) is outside the vocabulary (size \(vocabulary.count))")
            }
            if let byte = byteOfToken[id] {
                out.append(byte)
                continue
            }
            MetaspaceTokenizer.appendUnescaped(vocabulary.tokens[Int(id)], from: 0, into: &out)
        }
        if prepend != .never, out.first == 0x20 { out.removeFirst() }
        return out
    }
}

struct MetaspaceEncoder: TokenEncoder {
    let tokenizer: MetaspaceTokenizer
    let model: BPEModel
    let policy: SpecialTokenPolicy
    let specials: SpecialMatcher
    private var scratch = BPEModel.Scratch()
    private var normalized: [UInt8] = []
    static let meta: [UInt8] = [0xE2, 0x96, 0x81]

    init(tokenizer: MetaspaceTokenizer, policy: SpecialTokenPolicy) {
        self.tokenizer = tokenizer
        model = tokenizer.model.privateCopy()
        self.policy = policy
        specials = SpecialMatcher(policy == .ordinary ? [] : tokenizer.vocabulary.specials)
    }

    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) throws {
        try specials.segments(of: text, policy: policy, ids: &ids) { segment, atStart, ids in
            encodeSegment(segment, atStart: atStart, into: &ids)
        }
    }

    private mutating func encodeSegment(_ text: UnsafeBufferPointer<UInt8>, atStart: Bool, into ids: inout [UInt32]) {
        guard !text.isEmpty else { return }
        normalized.removeAll(keepingCapacity: true)
        let startsWithSpace = text[0] == 0x20
        let wanted = tokenizer.prepend == .always || (tokenizer.prepend == .first && atStart)
        if wanted, tokenizer.prependEvenAfterSpace || !startsWithSpace { normalized += Self.meta }
        for byte in text {
            if byte == 0x20 { normalized += Self.meta } else { normalized.append(byte) }
        }
        normalized.withUnsafeBufferPointer { all in
            guard tokenizer.splitWords else {
                model.encodeCharacters(all, fallback: tokenizer.fallback, into: &ids, scratch: &scratch)
                return
            }
            var wordStart = 0
            var i = 1
            while i <= all.count {
                let boundary = i == all.count || (i + 2 < all.count && all[i] == 0xE2 && all[i + 1] == 0x96 && all[i + 2] == 0x81)
                if boundary {
                    model.encodeCharacters(UnsafeBufferPointer(rebasing: all[wordStart..<i]), fallback: tokenizer.fallback,
                                           into: &ids, scratch: &scratch)
                    wordStart = i
                }
                i += 1
            }
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

extension MetaspaceTokenizer {
    /// Appends `bytes[start...]` with each `▁` (U+2581) read back as a space: how Metaspace and
    /// sentencepiece pieces decode.
    static func appendUnescaped(_ bytes: [UInt8], from start: Int, into out: inout [UInt8]) {
        var i = start
        while i < bytes.count {
            if i + 2 < bytes.count, bytes[i] == 0xE2, bytes[i + 1] == 0x96, bytes[i + 2] == 0x81 {
                out.append(0x20)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
    }
}
