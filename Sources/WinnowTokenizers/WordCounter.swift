import Dispatch
import WinnowCore

/// The distinct pre-tokenised words of a corpus with their counts: all a BPE trainer keeps of
/// its input, so memory grows with the vocabulary of the text, not its size. Counts are 64-bit.
public struct WordCounts: Sendable {
    var table = ByteKeyTable(capacity: 1 << 16)
    var counts: [Int64] = []
    /// Sequences and bytes of text read.
    public internal(set) var sequences = 0
    public internal(set) var bytes: Int64 = 0

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
    /// batches it takes into its own table, and the tables are merged at the end.
    public static func count(_ corpus: TextCorpus, pattern: SplitPattern, workers: Int = availableCores) throws -> WordCounts {
        let batches = corpus.batches()
        let results = Locked<[WordCounts]>([])
        let failure = Locked<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
            var local = WordCounts()
            do {
                while let batch = try batches.next() {
                    local.add(batch, pattern: pattern)
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
        return total
    }

    mutating func add(_ batch: TextBatch, pattern: SplitPattern) {
        batch.bytes.withUnsafeBufferPointer { all in
            for k in 0..<batch.count {
                let text = UnsafeBufferPointer(rebasing: all[batch.range(k)])
                var start = 0
                pattern.split(text) { end in
                    add(UnsafeBufferPointer(rebasing: text[start..<end]))
                    start = end
                }
            }
        }
        sequences += batch.count
        bytes += Int64(batch.bytes.count)
    }
}
