import CLinux

/// A pruned model's bucket → row index (fastText keeps rows only for some n-gram buckets), as a
/// bitmap of the kept buckets with a count of kept buckets before each 64, and the rows of the
/// kept buckets in bucket order. Every character n-gram of every token not yet cached is looked
/// up here at random: for lid.176 (2M buckets, about 100k kept) this is under 1 MB and stays in
/// the processor's cache, where a dense table of 2M rows (8 MB) did not.
struct PrunedBuckets: Sendable {
    /// Kept-bucket bits of 64 buckets and the number of kept buckets before them.
    private struct Block { var bits: UInt64 = 0; var before: UInt32 = 0 }
    private let blocks: [Block]
    private let rows: [Int32]

    init(_ index: [Int32: Int32], buckets: Int) {
        var blocks = [Block](repeating: Block(), count: (buckets + 63) / 64)
        let kept = index.filter { $0.key >= 0 && Int($0.key) < buckets && $0.value >= 0 }.sorted { $0.key < $1.key }
        for (bucket, _) in kept { blocks[Int(bucket) >> 6].bits |= 1 << UInt64(bucket & 63) }
        var before: UInt32 = 0
        for i in blocks.indices {
            blocks[i].before = before
            before += UInt32(blocks[i].bits.nonzeroBitCount)
        }
        self.blocks = blocks
        rows = kept.map(\.value)
    }

    /// Starts loading what `row(of:)` will read first.
    @inline(__always)
    func prefetch(_ bucket: Int) {
        blocks.withUnsafeBufferPointer { clinux_prefetch($0.baseAddress! + (bucket >> 6)) }
    }

    /// The row of `bucket` (in 0..<buckets), or nil if it was pruned away.
    @inline(__always)
    func row(of bucket: Int) -> Int32? {
        let block = blocks[bucket >> 6]
        let bit: UInt64 = 1 << UInt64(bucket & 63)
        guard block.bits & bit != 0 else { return nil }
        return rows[Int(block.before) + (block.bits & (bit &- 1)).nonzeroBitCount]
    }
}
