import WinnowCore

/// Mistral's tekken tokenizer files (the tiktoken-style JSON mistral_common ships): a byte-level
/// BPE whose `vocab` lists tokens by rank (base64 `token_bytes`), cut to
/// `default_vocab_size − default_num_special_tokens`, with its own split `pattern`; special
/// tokens take ids 0…n−1 (the file's `special_tokens`, or for files of version v7 and before the
/// 20 mistral_common has always used, then `<SPECIAL_k>` fillers) and token ids are ranks + n.
/// Encoding is tiktoken's (whole pieces first) and never finds special-token text, as
/// mistral_common's `encode` does; use `SpecialTokenPolicy.ordinary` for its ids.
enum TekkenFile {
    static let olderSpecialTokens = ["<unk>", "<s>", "</s>", "[INST]", "[/INST]", "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]", "[TOOL_RESULTS]",
                                     "[/TOOL_RESULTS]", "[TOOL_CALLS]", "[IMG]", "<pad>", "[IMG_BREAK]", "[IMG_END]", "[PREFIX]", "[MIDDLE]",
                                     "[SUFFIX]", "[SYSTEM_PROMPT]", "[/SYSTEM_PROMPT]", "[TOOL_CONTENT]"]

    static func read(_ top: JSONObject, _ reader: Reader) throws -> BPETokenizer {
        guard case let .object(config)? = top["config"], let pattern = reader.string(config, "pattern"),
              let size = config["default_vocab_size"]?.doubleValue.flatMap({ Int(exactly: $0) }),
              let specialCount = config["default_num_special_tokens"]?.doubleValue.flatMap({ Int(exactly: $0) }) else {
            throw reader.fail("tekken config: pattern, default_vocab_size and default_num_special_tokens are required")
        }
        let entries = (top["vocab"] ?? .null).arrayValue
        // Both numbers come from the file: bounded before subtracting, and the special tokens
        // (made up when not listed) no more than a tokenizer could use.
        guard specialCount >= 0, specialCount <= 1 << 20, size >= 0, size <= entries.count + specialCount else {
            throw reader.fail("tekken config: default_vocab_size \(size) and default_num_special_tokens \(specialCount) do not fit the \(entries.count) ranks")
        }
        let inner = size - specialCount
        guard inner >= 256, inner <= entries.count else {
            throw reader.fail("tekken config: default_vocab_size \(size) less \(specialCount) special tokens leaves \(inner) of the \(entries.count) ranks")
        }
        var specials: [String]
        if case let .array(listed)? = top["special_tokens"] {
            specials = try listed.enumerated().map { k, item in
                guard case let .object(o) = item, let content = reader.string(o, "token_str"),
                      o["rank"]?.doubleValue.flatMap({ Int(exactly: $0) }) == k else {
                    throw reader.fail("special_tokens[\(k)]: needs token_str and rank \(k)")
                }
                return content
            }
        } else {
            let version = reader.string(config, "version") ?? ""
            guard let number = Int(version.dropFirst()), version.hasPrefix("v"), number <= 7 else {
                throw reader.fail("tekken version '\(version)' needs its special_tokens in the file")
            }
            specials = olderSpecialTokens
        }
        guard specials.count <= specialCount else { throw reader.fail("\(specials.count) special tokens, more than default_num_special_tokens \(specialCount)") }
        specials += (specials.count..<specialCount).map { "<SPECIAL_\($0)>" }
        var tokens = specials.map { Array($0.utf8) }
        tokens.reserveCapacity(size)
        for (rank, entry) in entries.prefix(inner).enumerated() {
            guard case let .object(o) = entry, o["rank"]?.doubleValue.flatMap({ Int(exactly: $0) }) == rank,
                  let encoded = reader.string(o, "token_bytes"), let bytes = Base64.decode(Array(encoded.utf8)[...]) else {
                throw reader.fail("vocab[\(rank)]: needs rank \(rank) and base64 token_bytes")
            }
            tokens.append(bytes)
        }
        let specialList = specials.enumerated().map { (content: $0.element, id: UInt32($0.offset)) }
        let merges = try TiktokenFile.deriveMerges(tokens, specialIDs: Set(specialList.map(\.id)), path: reader.path)
        do {
            return try BPETokenizer(vocabulary: BPEVocabulary(tokens: tokens, merges: merges, specials: specialList),
                                    split: PreTokenizer(regex: pattern), ignoreMerges: true)
        } catch let error as WinnowError {
            throw reader.fail("tekken config.pattern: \(error)")
        }
    }
}
