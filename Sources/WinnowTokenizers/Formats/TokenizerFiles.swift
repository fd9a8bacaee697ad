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
        case .sentencePiece: return try withConfigSpecials(try SentencePieceTokenizer.read(path: path), beside: path)
        case .json:
            let root = try TokenizerJSON.parse(bytes, path: path)
            if isVocabJSON(root) { return try vocabJSON(path, specials: specials) }
            return try withConfigSpecials(try Reader(path: path).tokenizer(root), beside: path)
        }
    }

    /// transformers adds BOS and EOS as `add_bos_token`/`add_eos_token` in the
    /// tokenizer_config.json beside the file say (Llama 2, Mistral, Gemma); the file's own
    /// post-processor, when it adds tokens, is what HF uses and wins.
    static func withConfigSpecials(_ tokenizer: any LoadedTokenizer, beside path: String) throws -> any LoadedTokenizer {
        let config = (path.contains("/") ? String(path[...path.lastIndex(of: "/")!]) : "") + "tokenizer_config.json"
        guard tokenizer.specialTokensAroundText == ([], []), fileExists(config) else { return tokenizer }
        guard case let .object(o) = try TokenizerJSON.parse(readFile(config), path: config) else { return tokenizer }
        func id(_ flag: String, _ key: String) throws -> [UInt32] {
            guard case .bool(true)? = o[flag] else { return [] }
            let name: String?
            if case let .object(token)? = o[key] { name = token["content"]?.stringValue } else { name = o[key]?.stringValue }
            guard let name, let id = tokenizer.specialTokens[name] else {
                throw WinnowError.config(path: config, line: nil, detail: "\(flag) is true but \(key) is not one of the tokenizer's special tokens")
            }
            return [id]
        }
        let processing = PostProcessing(prefix: try id("add_bos_token", "bos_token"), suffix: try id("add_eos_token", "eos_token"))
        if processing.isIdentity { return tokenizer }
        if let processed = tokenizer as? PostProcessedTokenizer {
            var merged = processed.postProcessing
            merged.prefix = processing.prefix
            merged.suffix = processing.suffix
            return PostProcessedTokenizer(base: processed.base, postProcessing: merged)
        }
        return PostProcessedTokenizer(base: tokenizer, postProcessing: processing)
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

    /// GPT-2's vocab.json is a flat token → id object; tokenizer.json and tekken files have
    /// objects and lists at the top (`model`, `config`, `added_tokens`).
    static func isVocabJSON(_ root: JSONValue) -> Bool {
        guard case let .object(top) = root, !top.isEmpty else { return false }
        return top.allSatisfy { $0.value.doubleValue != nil }
    }

    /// A vocab.json loads through GPT-2's path (its split pattern, no normalizer) only when that
    /// is what it is: the tokenizer.json beside it wins, and a tokenizer_config.json naming
    /// another tokenizer class is refused, as the ids would differ from its model's.
    static func vocabJSON(_ path: String, specials: [String: UInt32]) throws -> any LoadedTokenizer {
        let folder = path.contains("/") ? String(path[...path.lastIndex(of: "/")!]) : ""
        if fileExists(folder + "tokenizer.json") { return try TokenizerJSON.read(path: folder + "tokenizer.json") }
        let config = folder + "tokenizer_config.json"
        if fileExists(config), case let .object(o) = try TokenizerJSON.parse(readFile(config), path: config),
           let name = o["tokenizer_class"]?.stringValue,
           !["GPT2Tokenizer", "GPT2TokenizerFast", "RobertaTokenizer", "RobertaTokenizerFast"].contains(name) {
            throw WinnowError.config(path: path, line: nil, detail: "\(config) names tokenizer_class '\(name)': vocab.json + merges.txt "
                + "would load with GPT-2's split pattern and no normalizer, and give other ids; use its tokenizer.json")
        }
        let base = path.hasSuffix("vocab.json") ? String(path.dropLast("vocab.json".count)) : folder
        return try GPT2Files.read(vocab: path, merges: base + "merges.txt", specials: specials)
    }
}
