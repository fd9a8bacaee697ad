import WinnowCore

/// Opens a tokenizer by its file: `tokenizer.json`, a sentencepiece `.model`, a `.tiktoken` file
/// (its split pattern and special tokens given by the caller, as the format has neither), or
/// GPT-2's `vocab.json` (with `merges.txt` beside it).
public enum TokenizerFiles {
    public static func load(path: String, pattern: SplitPattern? = nil, specials: [String: UInt32] = [:]) throws -> any LoadedTokenizer {
        guard fileExists(path) else { throw WinnowError.invalid("\(path): no such tokenizer file") }
        if path.hasSuffix(".model") { return try SentencePieceTokenizer.read(path: path) }
        if path.hasSuffix(".tiktoken") {
            return try TiktokenFile.read(path: path, pattern: pattern ?? .cl100k, specials: specials)
        }
        if path.hasSuffix("vocab.json") {
            let merges = String(path.dropLast("vocab.json".count)) + "merges.txt"
            return try GPT2Files.read(vocab: path, merges: merges, specials: specials)
        }
        if isDirectory(path) {
            if fileExists(path + "/tokenizer.json") { return try TokenizerJSON.read(path: path + "/tokenizer.json") }
            return try GPT2Files.read(vocab: path + "/vocab.json", merges: path + "/merges.txt", specials: specials)
        }
        return try TokenizerJSON.read(path: path)
    }
}
