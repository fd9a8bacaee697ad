import WinnowCore

/// tiktoken's `.tiktoken` files: one `base64(token bytes) rank` line per token, rank = id =
/// merge priority; no pattern and no special tokens (tokenizers.md §8), so those come from
/// the caller.
public enum TiktokenFile {
    public static func read(path: String, pattern: SplitPattern, specials: [String: UInt32] = [:]) throws -> BPETokenizer {
        let bytes = try readFile(path)
        var ranked: [(rank: Int, bytes: [UInt8])] = []
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            let fields = line.split(separator: 0x20)
            guard fields.count == 2, let token = Base64.decode(fields[0]),
                  let rank = Int(String(decoding: fields[1].filter { $0 != 0x0D }, as: UTF8.self)), rank >= 0 else {
                throw WinnowError.config(path: path, line: lineNumber, detail: "not a '<base64> <rank>' line")
            }
            ranked.append((rank, token))
        }
        // Ranks are dense (a hole is an error below), so none can reach the number of tokens:
        // checked before the table is allocated by the largest rank.
        let total = ranked.count + specials.count
        if let outside = ranked.firstIndex(where: { $0.rank >= total }) {
            throw WinnowError.config(path: path, line: outside + 1, detail: "rank \(ranked[outside].rank) is beyond the \(total) tokens, so some ranks would be missing")
        }
        let size = max(ranked.map(\.rank).max().map { $0 + 1 } ?? 0, (specials.values.max().map { Int($0) + 1 }) ?? 0)
        guard size <= total else {
            throw WinnowError.config(path: path, line: nil, detail: "ranks and special-token ids reach \(size - 1), but the file has "
                + "\(ranked.count) tokens and \(specials.count) special tokens: some id has no token")
        }
        var tokens = [[UInt8]?](repeating: nil, count: size)
        for (rank, token) in ranked {
            guard tokens[rank] == nil else { throw WinnowError.config(path: path, line: nil, detail: "rank \(rank) appears twice") }
            tokens[rank] = token
        }
        for (content, id) in specials {
            guard tokens[Int(id)] == nil else {
                throw WinnowError.config(path: path, line: nil, detail: "special token '\(content)' has id \(id), which is a rank in the file")
            }
            tokens[Int(id)] = Array(content.utf8)
        }
        if let hole = tokens.firstIndex(where: { $0 == nil }) {
            throw WinnowError.config(path: path, line: nil, detail: "no token has rank \(hole)")
        }
        let dense = tokens.map { $0! }
        let specialList = specials.map { (content: $0.key, id: $0.value) }.sorted { $0.id < $1.id }
        let merges = try deriveMerges(dense, specialIDs: Set(specials.values), path: path)
        return BPETokenizer(vocabulary: BPEVocabulary(tokens: dense, merges: merges, specials: specialList),
                            pattern: pattern, ignoreMerges: true)
    }

    /// The merge list equivalent to ranking by token: each token of two or more bytes is the
    /// merge of the two parts that BPE, allowed only lower ranks, leaves of its bytes (how
    /// transformers converts tiktoken vocabularies), in rank order.
    static func deriveMerges(_ tokens: [[UInt8]], specialIDs: Set<UInt32>, path: String) throws -> [BPEVocabulary.Merge] {
        var table = ByteKeyTable(capacity: tokens.count)
        var idOfEntry: [UInt32] = []
        for (id, bytes) in tokens.enumerated() where !specialIDs.contains(UInt32(id)) {
            if table.insert(bytes).inserted { idOfEntry.append(UInt32(id)) }
        }
        func rank(_ bytes: ArraySlice<UInt8>) -> Int? {
            Array(bytes).withUnsafeBufferPointer { table.find($0) }.map { Int(idOfEntry[$0]) }
        }
        /// The two parts tiktoken's merge loop leaves of `token`'s bytes, merging only ranks
        /// below `limit` (the token's own rank excluded).
        func parts(_ token: [UInt8], id: Int, limit: Int) -> (Int, Int)? {
            // Parts as byte ranges; merge the adjacent pair of lowest rank.
            var bounds = Array(0...token.count)
            while bounds.count > 3 {
                var best = Int.max, at = -1
                for k in 0..<(bounds.count - 2) {
                    if let r = rank(token[bounds[k]..<bounds[k + 2]]), r < limit, r != id, r < best {
                        best = r
                        at = k
                    }
                }
                if at < 0 { break }
                bounds.remove(at: at + 1)
            }
            guard bounds.count == 3, let left = rank(token[0..<bounds[1]]), let right = rank(token[bounds[1]...]) else { return nil }
            return (left, right)
        }
        var merges: [BPEVocabulary.Merge] = []
        for (id, token) in tokens.enumerated() where token.count > 1 && !specialIDs.contains(UInt32(id)) {
            // Lower ranks only, as transformers converts; else tiktoken's own loop, which may pass
            // through higher ranks. A token neither reaches (Llama 3 and Qwen 3.5 have some) is
            // produced only whole, as tiktoken produces it, so it gets no merge.
            guard let (left, right) = parts(token, id: id, limit: id) ?? parts(token, id: id, limit: Int.max) else { continue }
            merges.append(.init(left: UInt32(left), right: UInt32(right), result: UInt32(id)))
        }
        return merges
    }

    /// Throws unless ids rise with merge order (tiktoken's rank is both the id and the merge
    /// priority, so a vocabulary whose ids do not follow its merges cannot be written).
    public static func checkRanks(_ vocabulary: BPEVocabulary) throws {
        var last: UInt32 = 0
        for (rank, merge) in vocabulary.merges.enumerated() {
            guard merge.result > last || rank == 0, merge.result > merge.left, merge.result > merge.right else {
                throw WinnowError.invalid("merge \(rank) makes token \(merge.result), out of merge order: tiktoken ranks cannot express this vocabulary")
            }
            last = merge.result
        }
    }

    public static func write(_ vocabulary: BPEVocabulary) -> [UInt8] {
        var out: [UInt8] = []
        for (id, token) in vocabulary.tokens.enumerated() where !vocabulary.isSpecial(UInt32(id)) {
            out += Array("\(Base64.encode(token)) \(id)\n".utf8)
        }
        return out
    }
}
