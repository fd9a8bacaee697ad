import Dispatch
import Synchronization
import WinnowCore

/// The distinct pre-tokenised words of a corpus with their counts: all a BPE trainer keeps of
/// its input, so memory grows with the vocabulary of the text, not its size. Counts are 64-bit.
public struct WordCounts: Sendable {
    var table = ByteKeyTable(capacity: 1 << 16)
    var counts: [Int64] = []
    /// Sequences and bytes of text read.
    public internal(set) var sequences = 0
    public internal(set) var bytes: Int64 = 0
    /// What the read loop counted on the corpus's shards (documents read, rejected, sampled out).
    public internal(set) var reading = TaskStats()

    public var distinctWords: Int { counts.count }

    public init() {}

    mutating func add(_ word: UnsafeBufferPointer<UInt8>, count: Int64 = 1) {
        let (entry, inserted) = table.insert(word, hash: ByteKeyTable.hash(word))
        if inserted { counts.append(count) } else { counts[entry] += count }
    }

    /// Adds the counts of `other`.
    mutating func merge(_ other: WordCounts) {
        other.table.arena.withUnsafeBufferPointer { keys in
            for e in 0..<other.counts.count {
                add(UnsafeBufferPointer(rebasing: keys[other.table.offsets[e]..<other.table.offsets[e + 1]]), count: other.counts[e])
            }
        }
        sequences += other.sequences
        bytes += other.bytes
    }

    /// Counts the words of `corpus` split by `pattern`, on every core: each worker counts the
    /// batches it takes into its own table, and the tables are merged at the end. Text equal to
    /// one of `skipping` (special tokens) is left out and splits the text around it; HF's
    /// trainer counts it as ordinary words, which is what an empty list does.
    public static func count(_ corpus: TextCorpus, pattern: SplitPattern, skipping: [String] = [],
                             workers: Int = availableCores) throws -> WordCounts {
        try count(corpus, split: .native(pattern), skipping: skipping, workers: workers)
    }

    public static func count(_ corpus: TextCorpus, split: PreTokenizer, skipping: [String] = [],
                             workers: Int = availableCores) throws -> WordCounts {
        try split.validate()
        let specials = SpecialMatcher(skipping.map { (content: $0, id: UInt32(0)) })
        let batches = corpus.batches()
        let results = Mutex<[WordCounts]>([])
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
            var local = WordCounts()
            do {
                let splitter = try PieceSplitter(split)
                while let batch = try batches.next() {
                    local.add(batch, splitter: splitter, skipping: specials)
                }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
            results.withLock { $0.append(local) }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        var parts = results.withLock { $0 }.sorted { $0.counts.count > $1.counts.count }
        var total = parts.removeFirst()
        for part in parts { total.merge(part) }
        total.reading = try batches.finish()
        return total
    }

    mutating func add(_ batch: TextBatch, splitter: PieceSplitter, skipping specials: SpecialMatcher) {
        var unused: [UInt32] = []
        batch.bytes.withUnsafeBufferPointer { all in
            for k in 0..<batch.count {
                // Special text separates segments; its ids are not wanted (and `.recognize` never throws).
                try? specials.segments(of: UnsafeBufferPointer(rebasing: all[batch.range(k)]), policy: .recognize,
                                       ids: &unused) { text, _, _ in
                    splitter.pieces(text) { start, end in add(UnsafeBufferPointer(rebasing: text[start..<end])) }
                }
                unused.removeAll(keepingCapacity: true)
            }
        }
        sequences += batch.count
        bytes += Int64(batch.bytes.count)
    }
}
