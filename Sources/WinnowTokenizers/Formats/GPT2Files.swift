import WinnowCore

/// GPT-2's original `vocab.json` (token string → id, in the byte alphabet) and `merges.txt`
/// (`#version` line, then one `left right` pair per line in rank order), as HF's
/// `BPE.from_file` and transformers' `GPT2Tokenizer` read them. The split pattern is GPT-2's.
public enum GPT2Files {
    public static func read(vocab vocabPath: String, merges mergesPath: String, specials: [String: UInt32]) throws -> BPETokenizer {
        let vocabJSON = try TokenizerJSON.parse(readFile(vocabPath), path: vocabPath)
        guard case let .object(entries) = vocabJSON else {
            throw WinnowError.config(path: vocabPath, line: nil, detail: "not a JSON object of token → id")
        }
        var tokens: [[UInt8]?] = []
        var idOfString: [String: UInt32] = [:]
        var specialList: [(content: String, id: UInt32)] = []
        for member in entries {
            guard let number = member.value.doubleValue, number >= 0, number < 1e8 else {
                throw WinnowError.config(path: vocabPath, line: nil, detail: "token '\(member.key)' has no valid id")
            }
            let id = Int(number)
            if id >= tokens.count { tokens += [[UInt8]?](repeating: nil, count: id + 1 - tokens.count) }
            if specials[member.key] != nil || member.key == "<|endoftext|>" {
                tokens[id] = Array(member.key.utf8)
                specialList.append((member.key, UInt32(id)))
            } else {
                guard let bytes = ByteLevelAlphabet.decode(member.key) else {
                    throw WinnowError.config(path: vocabPath, line: nil, detail: "token '\(member.key)' (id \(id)) is not in the byte-level alphabet")
                }
                tokens[id] = bytes
            }
            idOfString[member.key] = UInt32(id)
        }
        if let hole = tokens.firstIndex(where: { $0 == nil }) {
            throw WinnowError.config(path: vocabPath, line: nil, detail: "no token has id \(hole)")
        }
        var merges: [BPEVocabulary.Merge] = []
        let text = String(decoding: try readFile(mergesPath), as: UTF8.self)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("#version") || line.trimming().isEmpty { continue }
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 2, let left = idOfString[parts[0]], let right = idOfString[parts[1]],
                  let result = idOfString[parts[0] + parts[1]] else {
                throw WinnowError.config(path: mergesPath, line: index + 1, detail: "not a pair of vocabulary tokens whose concatenation is a token")
            }
            merges.append(.init(left: left, right: right, result: result))
        }
        return BPETokenizer(vocabulary: BPEVocabulary(tokens: tokens.map { $0! }, merges: merges, specials: specialList.sorted { $0.id < $1.id }),
                            pattern: .gpt2, ignoreMerges: false)
    }
}
