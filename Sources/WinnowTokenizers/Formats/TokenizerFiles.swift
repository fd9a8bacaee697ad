import WinnowCore

/// Opens a tokenizer by what its file holds, whatever its name (Mistral ships sentencepiece
/// models as `tokenizer.model.v3`, Meta ships a tiktoken file as `tokenizer.model`):
/// tokenizer.json or tekken (JSON with a model), GPT-2's `vocab.json` (with `merges.txt`
/// beside it), a `.tiktoken` file (its split pattern and special tokens given by the caller, as
/// the format has neither), or a sentencepiece model protobuf.
public enum TokenizerFiles {
    /// The formats a file can hold, told apart by their first bytes.
    enum Kind: Equatable { case json, tiktoken, sentencePiece }

    public static func load(path: String, pattern: SplitPattern? = nil, specials: [String: UInt32] = [:]) throws -> any LoadedTokenizer {
        guard fileExists(path) else { throw WinnowError.invalid("\(path): no such tokenizer file") }
        if isDirectory(path) {
            if fileExists(path + "/tokenizer.json") { return try TokenizerJSON.read(path: path + "/tokenizer.json") }
            return try vocabJSON(path + "/vocab.json", specials: specials)
        }
        let bytes = try readFile(path)
        switch kind(of: bytes) {
        case .tiktoken: return try TiktokenFile.read(path: path, pattern: pattern ?? .cl100k, specials: specials)
        case .sentencePiece: return try SentencePieceTokenizer.read(path: path)
        case .json:
            if isTokenizerJSON(bytes) { return try TokenizerJSON.read(bytes: bytes, path: path) }
            return try vocabJSON(path, specials: specials)
        }
    }

    static func kind(of bytes: [UInt8]) -> Kind {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return .json }
        if first == UInt8(ascii: "{") { return .json }
        // `<base64> <rank>` lines.
        let line = bytes.prefix { $0 != 0x0A }
        if let space = line.firstIndex(of: 0x20), space > 0,
           Base64.decode(line[..<space]) != nil,
           line[(space + 1)...].filter({ $0 != 0x0D }).allSatisfy({ (0x30...0x39).contains($0) }), line.count > space + 1 {
            return .tiktoken
        }
        return .sentencePiece
    }

    /// tokenizer.json and tekken files have a `model`, `config` or `added_tokens` member at
    /// the top; GPT-2's vocab.json is a flat token → id object.
    static func isTokenizerJSON(_ bytes: [UInt8]) -> Bool {
        guard let root = try? bytes.withUnsafeBytes({ try JSONValue.parse($0) }), case let .object(top) = root else { return true }
        return top.contains { ["model", "config", "added_tokens", "version", "normalizer", "pre_tokenizer"].contains($0.key) }
            || !top.allSatisfy { $0.value.doubleValue != nil }
    }

    /// A vocab.json loads through GPT-2's path (its split pattern, no normalizer) only when that
    /// is what it is: the tokenizer.json beside it wins, and a tokenizer_config.json naming
    /// another tokenizer class is refused, as the ids would differ from its model's.
    static func vocabJSON(_ path: String, specials: [String: UInt32]) throws -> any LoadedTokenizer {
        let folder = path.contains("/") ? String(path[...path.lastIndex(of: "/")!]) : ""
        if fileExists(folder + "tokenizer.json") { return try TokenizerJSON.read(path: folder + "tokenizer.json") }
        let config = folder + "tokenizer_config.json"
        if fileExists(config), let root = try? readFile(config).withUnsafeBytes({ try JSONValue.parse($0) }),
           case let .object(o) = root, let name = o["tokenizer_class"]?.stringValue,
           !["GPT2Tokenizer", "GPT2TokenizerFast", "RobertaTokenizer", "RobertaTokenizerFast"].contains(name) {
            throw WinnowError.config(path: path, line: nil, detail: "\(config) names tokenizer_class '\(name)': vocab.json + merges.txt "
                + "would load with GPT-2's split pattern and no normalizer, and give other ids; use its tokenizer.json")
        }
        let base = path.hasSuffix("vocab.json") ? String(path.dropLast("vocab.json".count)) : folder
        return try GPT2Files.read(vocab: path, merges: base + "merges.txt", specials: specials)
    }
}
