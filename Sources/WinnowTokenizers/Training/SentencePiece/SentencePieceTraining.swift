import WinnowCore

/// Writing a trained sentencepiece-style tokenizer: the `.model` sentencepiece loads, and the
/// same tokenizer as HF `tokenizer.json` with transformers' `tokenizer_config.json`.
public enum SentencePieceTraining {
    /// Writes `tokenizer` to `path`: a `.json` path gets tokenizer.json, `tokenizer_config.json`
    /// and `tokenizer.model` in its folder; any other path the `.model` alone. Returns the paths
    /// written and their bytes.
    @discardableResult
    public static func write(_ tokenizer: SentencePieceTokenizer, to path: String) throws -> [(path: String, bytes: Int)] {
        guard path.hasSuffix(".json") else {
            let model = tokenizer.proto.serialized()
            try writeFileAtomically(path, model)
            return [(path, model.count)]
        }
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let files = [
            (path, try SentencePieceJSON.write(tokenizer)),
            (folder + "/tokenizer_config.json", configuration(tokenizer)),
            (folder + "/tokenizer.model", tokenizer.proto.serialized()),
        ]
        for (file, bytes) in files { try writeFileAtomically(file, bytes) }
        return files.map { ($0.0, $0.1.count) }
    }

    static func configuration(_ tokenizer: SentencePieceTokenizer) -> [UInt8] {
        let unknown = tokenizer.tokenString(tokenizer.unknownID)
        let begin = tokenizer.specials.first { $0.content == "<s>" }?.content
        return TokenizerJSON.writeConfig(tokenizer, specials: tokenizer.specials, begin: begin, unknown: unknown)
    }
}
