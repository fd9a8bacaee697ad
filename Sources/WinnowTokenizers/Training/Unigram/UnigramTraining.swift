import WinnowCore

/// Writing a trained sentencepiece-style tokenizer: a `.model` file, which sentencepiece loads.
public enum UnigramTraining {
    /// Writes `tokenizer` to `path` as a sentencepiece `.model`; returns the paths written.
    @discardableResult
    public static func write(_ tokenizer: SentencePieceTokenizer, to path: String) throws -> [String] {
        try writeFileAtomically(path, tokenizer.proto.serialized())
        return [path]
    }
}
