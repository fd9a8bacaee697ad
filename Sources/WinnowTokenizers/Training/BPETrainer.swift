/// Learns byte-level BPE merges from word counts, merge for merge what HF tokenizers'
/// `BpeTrainer` learns (tokenizers.md §2): special tokens take ids 0…k-1, then the 256 byte
/// characters in code-point order, then merge results in merge order; each step merges the pair
/// with the highest count, ties going to the smaller (left id, right id); only words holding
/// the pair are updated.
///
/// Where HF has defects we differ only when they would not change the result on sane input:
/// pair counts are 64-bit (HF's are 32-bit and overflow on large corpora, issue #2058).
/// `maxTokenLength` reproduces HF's off-by-one (tokens reach only L-1 characters) unless
/// `exactMaxTokenLength` is set.
public struct BPETrainer: Sendable {
    public var vocabSize: Int
    /// Pairs seen fewer times are never merged (HF's `min_frequency`).
    public var minFrequency: Int64 = 0
    public var specialTokens: [String] = []
    public var maxTokenLength: Int?
    /// Let tokens reach `maxTokenLength` bytes, instead of HF's `maxTokenLength - 1`.
    public var exactMaxTokenLength = false

    public init(vocabSize: Int, minFrequency: Int64 = 0, specialTokens: [String] = [], maxTokenLength: Int? = nil,
                exactMaxTokenLength: Bool = false) {
        self.vocabSize = vocabSize
        self.minFrequency = minFrequency
        self.specialTokens = specialTokens
        self.maxTokenLength = maxTokenLength
        self.exactMaxTokenLength = exactMaxTokenLength
    }

    public func train(_ words: WordCounts) -> BPEVocabulary {
        var vocab = VocabularyBuilder()
        var specials: [(content: String, id: UInt32)] = []
        for special in specialTokens {
            let (id, inserted) = vocab.add(key: ByteLevelAlphabet.decode(special).map { [0] + $0 } ?? Array(special.utf8),
                                           bytes: Array(special.utf8))
            if inserted { specials.append((special, id)) }
        }
        var idOfByte = [UInt32](repeating: 0, count: 256)
        for byte in ByteLevelAlphabet.bytesInCodePointOrder {
            idOfByte[Int(byte)] = vocab.add(key: [0, byte], bytes: [byte]).id
        }

        let symbols = (0..<words.counts.count).map { words.table.key($0).map { idOfByte[Int($0)] } }
        var state = MergeState(symbols: symbols, counts: words.counts) { _, _ in true }
        let lengthLimit = maxTokenLength.map { exactMaxTokenLength ? $0 + 1 : $0 } ?? Int.max
        var merges: [BPEVocabulary.Merge] = []
        while vocab.count < vocabSize, let (pair, positions) = state.popBest(minimum: max(1, minFrequency)) {
            let left = UInt32(truncatingIfNeeded: pair >> 32), right = UInt32(truncatingIfNeeded: pair)
            let bytes = vocab.bytes[Int(left)] + vocab.bytes[Int(right)]
            let result = vocab.add(key: [0] + bytes, bytes: bytes).id
            merges.append(.init(left: left, right: right, result: result))
            state.apply(left: left, right: right, result: result, in: positions,
                        length: { vocab.bytes[Int($0)].count }, limit: lengthLimit) { _, _ in true }
        }
        return BPEVocabulary(tokens: vocab.bytes, merges: merges, specials: specials)
    }
}

/// Token ids by key. Learned tokens are keyed by their bytes behind a 0 marker and specials by
/// the bytes their text spells in GPT-2's alphabet (also behind 0) when it is in that alphabet:
/// so a learned token whose vocabulary string equals a special's takes the special's id, as
/// in HF, where both are the same string.
private struct VocabularyBuilder {
    var ids: [[UInt8]: UInt32] = [:]
    var bytes: [[UInt8]] = []

    var count: Int { bytes.count }

    mutating func add(key: [UInt8], bytes tokenBytes: [UInt8]) -> (id: UInt32, inserted: Bool) {
        if let id = ids[key] { return (id, false) }
        let id = UInt32(bytes.count)
        ids[key] = id
        bytes.append(tokenBytes)
        return (id, true)
    }
}

/// The words as symbol sequences, the count of every adjacent pair, which words hold each pair,
/// and a max-heap of pairs by count that is re-validated lazily (counts only fall after a pair
/// is queued, so a stale entry is re-queued with its true count when it surfaces). Pairs that
/// `allows` refuses (sentencepiece's piece rules) are never counted.
struct MergeState {
    var symbols: [[UInt32]]
    var wordCounts: [Int64]
    var pairCounts: [UInt64: Int64] = [:]
    var heap = BinaryHeap<QueuedPair>()
    /// Word lists of queued heap entries, by entry.
    var positions: [[Int32]] = []

    init(symbols: [[UInt32]], counts: [Int64], allows: (UInt32, UInt32) -> Bool) {
        wordCounts = counts
        self.symbols = symbols
        var holders: [UInt64: [Int32]] = [:]
        for w in 0..<counts.count {
            let word = symbols[w]
            guard word.count > 1 else { continue }
            for k in 0..<(word.count - 1) where allows(word[k], word[k + 1]) {
                let pair = UInt64(word[k]) << 32 | UInt64(word[k + 1])
                pairCounts[pair, default: 0] += wordCounts[w]
                holders[pair, default: []].appendUnique(Int32(w))
            }
        }
        enqueue(holders)
    }

    mutating func enqueue(_ holders: [UInt64: [Int32]]) {
        for (pair, words) in holders {
            let count = pairCounts[pair] ?? 0
            guard count > 0 else { continue }
            heap.push(QueuedPair(count: count, pair: pair, slot: Int32(positions.count)))
            positions.append(words)
        }
    }

    /// The pair to merge next and the words that may hold it, or nil when no pair is frequent
    /// enough.
    mutating func popBest(minimum: Int64) -> (UInt64, [Int32])? {
        while var top = heap.pop() {
            let current = pairCounts[top.pair] ?? 0
            if top.count != current {
                top.count = current
                heap.push(top)
                continue
            }
            guard top.count >= minimum else { return nil }
            let words = positions[Int(top.slot)]
            positions[Int(top.slot)] = []
            return (top.pair, words)
        }
        return nil
    }

    /// Merges `left right` into `result` in the given words, updating pair counts as HF's
    /// `Word::merge` does (left to right, non-overlapping; a new pair is counted only if its
    /// two tokens together are shorter than `limit`), and queues the pairs that appeared.
    mutating func apply(left: UInt32, right: UInt32, result: UInt32, in words: [Int32],
                        length: (UInt32) -> Int, limit: Int, allows: (UInt32, UInt32) -> Bool) {
        var holders: [UInt64: [Int32]] = [:]
        let resultLength = length(result)
        for w32 in words {
            let w = Int(w32)
            let count = wordCounts[w]
            var word = symbols[w]
            var i = 0
            var changed = false
            while i < word.count {
                if word[i] == left, i + 1 < word.count, word[i + 1] == right {
                    changed = true
                    if i > 0 {
                        let prev = word[i - 1]
                        pairCounts[UInt64(prev) << 32 | UInt64(left), default: 0] -= count
                        if length(prev) + resultLength < limit, allows(prev, result) {
                            let pair = UInt64(prev) << 32 | UInt64(result)
                            pairCounts[pair, default: 0] += count
                            holders[pair, default: []].appendUnique(w32)
                        }
                    }
                    word[i] = result
                    word.remove(at: i + 1)
                    if i + 1 < word.count {
                        let next = word[i + 1]
                        pairCounts[UInt64(right) << 32 | UInt64(next), default: 0] -= count
                        if length(next) + resultLength < limit, allows(result, next) {
                            let pair = UInt64(result) << 32 | UInt64(next)
                            pairCounts[pair, default: 0] += count
                            holders[pair, default: []].appendUnique(w32)
                        }
                    }
                }
                i += 1
            }
            if changed { symbols[w] = word }
        }
        enqueue(holders)
    }
}

extension Array where Element == Int32 {
    /// Appends `w` unless it is already last (a word's changes arrive together).
    @inline(__always)
    mutating func appendUnique(_ w: Int32) {
        if last != w { append(w) }
    }
}

/// A queued pair: higher count first, then smaller (left, right), HF's order.
struct QueuedPair: HeapOrdered {
    var count: Int64
    var pair: UInt64
    /// Index of its word list in `MergeState.positions`.
    var slot: Int32

    static func before(_ a: QueuedPair, _ b: QueuedPair) -> Bool {
        a.count != b.count ? a.count > b.count : a.pair < b.pair
    }
}
