import WinnowCore

/// Conversions between tokenizer files that `winnow tokenizer export` makes, and the reason
/// when a model cannot be written in a format.
public enum TokenizerExport {
    /// A sentencepiece unigram model as HF tokenizer.json (see `SentencePieceJSON`).
    public static func tokenizerJSON(_ tokenizer: SentencePieceTokenizer) throws -> [UInt8] {
        try SentencePieceJSON.write(tokenizer)
    }

    /// A sentencepiece model (read from a `.model` or a Unigram tokenizer.json, or trained) as a `.model`.
    public static func sentencePieceModel(_ tokenizer: SentencePieceTokenizer) -> [UInt8] {
        tokenizer.proto.serialized()
    }

    /// Why `tokenizer` cannot be written as `format`.
    public static func whyNot(_ tokenizer: any Tokenizer, format: String) -> String {
        switch (tokenizer, format) {
        case (is BPETokenizer, "sentencepiece"):
            return "a byte-level BPE tokenizer cannot be a sentencepiece model: sentencepiece pieces are characters, with bytes only as a fallback"
        case (is SentencePieceTokenizer, "tiktoken"), (is MetaspaceTokenizer, "tiktoken"):
            return "a sentencepiece-style model cannot be a .tiktoken file: tiktoken merges byte-level pieces by rank, with no normalizer or ▁"
        case (is PostProcessedTokenizer, _):
            return "its post-processor adds special tokens, or it truncates or pads, and the writers write the model's steps only: "
                + "export the file without post_processor, truncation and padding"
        case (is MetaspaceTokenizer, _):
            return "a sentencepiece-style BPE tokenizer read from tokenizer.json can be exported only as it is (tokenizer.json)"
        default:
            return "this tokenizer cannot be written as \(format)"
        }
    }
}
