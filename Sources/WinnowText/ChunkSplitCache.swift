import WinnowCore

/// How white-space-free chunks of text split into tokens, remembered per chunk. A chunk's
/// tokens depend on the chunk alone, and web text repeats its chunks ("the", "and,", "it's"), so
/// most are looked up instead of split again; spaCy's tokenizer keeps the same kind of cache.
/// Memory is bounded: the cache is cleared whole when it holds `maxEntries` chunks.
struct ChunkSplitCache: Sendable {
    private var table = ByteKeyTable(capacity: 1 << 14)
    /// Entry e's tokens are `bounds[starts[e]..<starts[e + 1]]`, pairs of offsets from the
    /// chunk's start.
    private var bounds: [Int32] = []
    private var starts: [Int] = [0]

    /// Chunks longer than this (in scalars) are split without the cache: long ones rarely repeat.
    static let maxChunk = 48
    static let maxEntries = 1 << 16

    /// Appends the tokens of `s[chunk]`, from the cache or by `split`, which appends them to
    /// `out` itself.
    @inline(__always)
    mutating func tokens(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ chunk: Range<Int>, into out: inout [Range<Int>],
                         split: (inout [Range<Int>]) -> Void) {
        guard chunk.count <= ChunkSplitCache.maxChunk else { return split(&out) }
        let key = UnsafeBufferPointer(start: UnsafeRawPointer(s.baseAddress! + chunk.lowerBound).assumingMemoryBound(to: UInt8.self),
                                      count: chunk.count * MemoryLayout<Unicode.Scalar>.stride)
        let hash = ByteKeyTable.hash(key)
        if let entry = table.find(key, hash: hash) {
            var k = starts[entry]
            let end = starts[entry + 1]
            while k < end {
                out.append((chunk.lowerBound + Int(bounds[k]))..<(chunk.lowerBound + Int(bounds[k + 1])))
                k += 2
            }
            return
        }
        let first = out.count
        split(&out)
        if table.count >= ChunkSplitCache.maxEntries {
            table.removeAll()
            bounds.removeAll(keepingCapacity: true)
            starts = [0]
        }
        _ = table.insert(key, hash: hash)
        for token in out[first...] {
            bounds.append(Int32(token.lowerBound - chunk.lowerBound))
            bounds.append(Int32(token.upperBound - chunk.lowerBound))
        }
        starts.append(bounds.count)
    }
}
