import WinnowCore

/// The lookup tables that turn one pre-tokenised piece of bytes into token ids by merge rank:
/// the same ids HF tokenizers' BPE model and tiktoken produce for the same vocabulary.
struct BPEModel: Sendable {
    private(set) var pairs: PairTable
    /// The token of each single byte (`UInt32.max`: none, the byte is dropped as HF drops an
    /// unknown character when the model has no unknown token).
    private(set) var byteIDs: [UInt32]
    /// Whole pieces that are tokens, for `ignore_merges` (tiktoken's rule: a piece that is
    /// itself in the vocabulary is one token).
    private(set) var wholeTokens: ByteKeyTable
    private(set) var wholeTokenIDs: [UInt32]
    let ignoreMerges: Bool

    /// Reusable buffers of one encoder.
    struct Scratch {
        var symbols: [UInt32] = []
        var rules: [UInt64] = []
    }

    /// A copy sharing no storage, for one encoding thread.
    func privateCopy() -> BPEModel {
        var copy = self
        copy.pairs = pairs.privateCopy()
        copy.byteIDs = byteIDs.privateCopy()
        copy.wholeTokens = wholeTokens.privateCopy()
        copy.wholeTokenIDs = wholeTokenIDs.privateCopy()
        return copy
    }

    /// `ranks`: the merges' priorities when they are not their order (see `PairTable`).
    init(_ vocabulary: BPEVocabulary, ignoreMerges: Bool, ranks: [Int]? = nil) {
        pairs = PairTable(vocabulary.merges, ranks: ranks)
        var byteIDs = [UInt32](repeating: .max, count: 256)
        var table = ByteKeyTable(capacity: vocabulary.count)
        var ids: [UInt32] = []
        let specialIDs = Set(vocabulary.specials.map(\.id))
        for (id, bytes) in vocabulary.tokens.enumerated() where !specialIDs.contains(UInt32(id)) {
            if bytes.count == 1, byteIDs[Int(bytes[0])] == .max { byteIDs[Int(bytes[0])] = UInt32(id) }
            if table.insert(bytes).inserted { ids.append(UInt32(id)) }
        }
        self.byteIDs = byteIDs
        wholeTokens = table
        wholeTokenIDs = ids
        self.ignoreMerges = ignoreMerges
    }

    /// Appends the ids of `piece` to `out`. `scratch` is reused between calls.
    @inline(__always)
    func encode(_ piece: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout Scratch) {
        if piece.count == 1 {
            let id = byteIDs[Int(piece[0])]
            if id != .max { out.append(id) }
            return
        }
        if ignoreMerges, let entry = wholeTokens.find(piece) {
            out.append(wholeTokenIDs[entry])
            return
        }
        scratch.symbols.removeAll(keepingCapacity: true)
        for byte in piece {
            let id = byteIDs[Int(byte)]
            if id != .max { scratch.symbols.append(id) }
        }
        if scratch.symbols.count <= 64 {
            mergeByScanning(&scratch.symbols, rules: &scratch.rules)
        } else {
            mergeWithHeap(&scratch.symbols)
        }
        out.append(contentsOf: scratch.symbols)
    }

    /// What a character-level model (sentencepiece-style BPE: Llama 2, Mistral) does with a
    /// character that is not in the vocabulary.
    struct CharacterFallback: Sendable {
        /// The `<0x00>`…`<0xFF>` tokens, when the model has `byte_fallback`.
        var byteTokens: [UInt32]?
        var unknown: UInt32?
        /// Consecutive unknown characters become one unknown token.
        var fuseUnknown: Bool
    }

    /// Appends the ids of `piece` for a model whose symbols are characters: each character is
    /// its token, else its UTF-8 bytes as byte tokens, else the unknown token (else dropped),
    /// then merges by rank, as HF's BPE model does with `byte_fallback`.
    func encodeCharacters(_ piece: UnsafeBufferPointer<UInt8>, fallback: CharacterFallback, into out: inout [UInt32],
                          scratch: inout Scratch) {
        scratch.symbols.removeAll(keepingCapacity: true)
        var lastWasUnknown = false
        var i = 0
        while i < piece.count {
            let lead = piece[i]
            let width = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            let end = min(i + width, piece.count)
            let char = UnsafeBufferPointer(rebasing: piece[i..<end])
            defer { i = end }
            if let entry = wholeTokens.find(char) {
                scratch.symbols.append(wholeTokenIDs[entry])
                lastWasUnknown = false
            } else if let bytes = fallback.byteTokens {
                for byte in char { scratch.symbols.append(bytes[Int(byte)]) }
                lastWasUnknown = false
            } else if let unknown = fallback.unknown {
                if !(fallback.fuseUnknown && lastWasUnknown) { scratch.symbols.append(unknown) }
                lastWasUnknown = true
            }
        }
        if scratch.symbols.count <= 64 {
            mergeByScanning(&scratch.symbols, rules: &scratch.rules)
        } else {
            mergeWithHeap(&scratch.symbols)
        }
        out.append(contentsOf: scratch.symbols)
    }

    /// Repeatedly merges the adjacent pair of lowest rank (the leftmost on ties): quadratic, and
    /// the fastest way for the short pieces that are nearly all of text.
    private func mergeByScanning(_ symbols: inout [UInt32], rules: inout [UInt64]) {
        guard symbols.count > 1 else { return }
        var n = symbols.count
        if rules.count < n { rules = [UInt64](repeating: .max, count: max(n, 64)) }
        symbols.withUnsafeMutableBufferPointer { s in
            rules.withUnsafeMutableBufferPointer { r in
                for k in 0..<(n - 1) { r[k] = pairs.lookup(s[k], s[k + 1]) }
                while n > 1 {
                    var best = UInt64.max, at = -1
                    for k in 0..<(n - 1) where r[k] < best {
                        best = r[k]
                        at = k
                    }
                    if at < 0 { break }
                    s[at] = UInt32(truncatingIfNeeded: best)
                    // Close the gap left by the right symbol.
                    for k in (at + 1)..<(n - 1) { s[k] = s[k + 1] }
                    for k in (at + 1)..<max(at + 1, n - 2) { r[k] = r[k + 1] }
                    n -= 1
                    if at > 0 { r[at - 1] = pairs.lookup(s[at - 1], s[at]) }
                    if at < n - 1 { r[at] = pairs.lookup(s[at], s[at + 1]) }
                }
            }
        }
        symbols.removeLast(symbols.count - n)
    }

    /// The same merges for long pieces (runs of spaces or digits, minified code): a heap of
    /// candidate pairs by (rank, position) over a linked list, O(n log n).
    private func mergeWithHeap(_ symbols: inout [UInt32]) {
        let n = symbols.count
        var next = Array(1...n)
        var prev = Array(-1..<(n - 1))
        var alive = [Bool](repeating: true, count: n)
        var heap = BinaryHeap<Candidate>()
        for k in 0..<(n - 1) {
            let rule = pairs.lookup(symbols[k], symbols[k + 1])
            if rule != .max { heap.push(Candidate(key: rule & 0xFFFF_FFFF_0000_0000 | UInt64(k), result: UInt32(truncatingIfNeeded: rule))) }
        }
        while let top = heap.pop() {
            let k = top.position
            guard alive[k], next[k] < n else { continue }
            let rule = pairs.lookup(symbols[k], symbols[next[k]])
            guard rule != .max, UInt32(truncatingIfNeeded: rule) == top.result else { continue }
            let right = next[k]
            symbols[k] = top.result
            alive[right] = false
            next[k] = next[right]
            if next[k] < n { prev[next[k]] = k }
            if prev[k] >= 0 {
                let p = prev[k]
                let r = pairs.lookup(symbols[p], symbols[k])
                if r != .max { heap.push(Candidate(key: r & 0xFFFF_FFFF_0000_0000 | UInt64(p), result: UInt32(truncatingIfNeeded: r))) }
            }
            if next[k] < n {
                let r = pairs.lookup(symbols[k], symbols[next[k]])
                if r != .max { heap.push(Candidate(key: r & 0xFFFF_FFFF_0000_0000 | UInt64(k), result: UInt32(truncatingIfNeeded: r))) }
            }
        }
        var out: [UInt32] = []
        out.reserveCapacity(n)
        var k = 0
        while k < n {
            out.append(symbols[k])
            k = next[k]
        }
        symbols = out
    }
}

/// A candidate merge of a long piece, ordered by rank, then position (HF's order).
private struct Candidate: HeapOrdered {
    var key: UInt64 // rank << 32 | position
    var result: UInt32
    var position: Int { Int(truncatingIfNeeded: key & 0xFFFF_FFFF) }

    static func before(_ a: Candidate, _ b: Candidate) -> Bool { a.key < b.key }
}
