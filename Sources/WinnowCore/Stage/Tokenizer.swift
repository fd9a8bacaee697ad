/// A tokenizer as the packer (and anything else outside WinnowTokenizers) sees it: text bytes in,
/// token ids out, and back. Encoding goes through a per-thread `TokenEncoder` so that each
/// thread keeps its own word cache without locks.
public protocol Tokenizer: Sendable {
    /// Number of ids (the largest id + 1), what an embedding table needs.
    var vocabularySize: Int { get }
    /// Special tokens (`<|endoftext|>`, `</s>`, …) by their text.
    var specialTokens: [String: UInt32] { get }
    /// An encoder for one thread.
    func makeEncoder(specials: SpecialTokenPolicy) -> any TokenEncoder
    /// The bytes the ids stand for; throws on an id outside the vocabulary.
    func decode(_ ids: [UInt32]) throws -> [UInt8]
    /// The special tokens the tokenizer's own file puts before and after a text when asked to
    /// add them (HF's `add_special_tokens=True`): Llama 3's `<|begin_of_text|>`, BERT's
    /// `[CLS]`…`[SEP]`. None by default.
    var specialTokensAroundText: (before: [UInt32], after: [UInt32]) { get }
}

extension Tokenizer {
    public var specialTokensAroundText: (before: [UInt32], after: [UInt32]) { ([], []) }

    /// The id of the end-of-document token, by the names tokenizers commonly give it.
    public var endOfTextID: UInt32? {
        for name in ["<|endoftext|>", "</s>", "<|end_of_text|>", "<eos>", "<|im_end|>"] {
            if let id = specialTokens[name] { return id }
        }
        return nil
    }
}

/// Opens a tokenizer file (tokenizer.json, …); handed to stages by the pipeline, which knows
/// the formats, as stage modules do not import WinnowTokenizers.
public typealias TokenizerLoader = @Sendable (String) throws -> any Tokenizer

/// What to do with special-token text found in the input.
public enum SpecialTokenPolicy: String, Sendable, CaseIterable {
    /// Encode it as the special token's id (`allowed_special="all"`).
    case recognize
    /// Throw, naming the token and its offset (tiktoken's default, the safe choice for web text).
    case refuse
    /// Encode it as ordinary text (`encode_ordinary`).
    case ordinary
}

/// Encodes text on one thread.
public protocol TokenEncoder {
    /// Appends the ids of `text` to `ids`.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) throws
}
