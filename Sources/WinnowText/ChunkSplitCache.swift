import WinnowCore

/// How white-space-free chunks of text split into tokens, remembered per chunk (as pairs of
/// offsets from the chunk's start). A chunk's tokens depend on the chunk alone, and web text
/// repeats its chunks ("the", "and,", "it's"), so most are looked up instead of split again;
/// spaCy's tokenizer keeps the same kind of cache. Callers hash their chunks ahead of the lookups
/// and prefetch (see `ByteKeyCache`).
struct ChunkSplitCache: Sendable {
    private var cache = ByteKeyCache(maxEntries: 1 << 18)
    private var bounds: [UInt32] = []

    /// Chunks longer than this (in scalars) are split without the cache: long ones rarely repeat.
    static let maxChunk = 48

    /// A chunk and its hash.
    struct Key {
        let chunk: Range<Int>
        let hash: UInt64
        var cacheable: Bool { chunk.count <= ChunkSplitCache.maxChunk }
    }

    @inline(__always)
    static func key(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ chunk: Range<Int>) -> Key {
        guard chunk.count <= maxChunk else { return Key(chunk: chunk, hash: 0) }
        return Key(chunk: chunk, hash: ByteKeyCache.hash(bytes(s, chunk)))
    }

    @inline(__always)
    private static func bytes(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ chunk: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(s)[(chunk.lowerBound * 4)..<(chunk.upperBound * 4)])
    }

    @inline(__always) func prefetchSlot(_ key: Key) { if key.cacheable { cache.prefetchSlot(key.hash) } }
    @inline(__always) func prefetchEntry(_ key: Key) { if key.cacheable { cache.prefetchEntry(key.hash) } }

    /// Appends the tokens of the chunk, from the cache or by `split`, which appends them to
    /// `out` itself.
    @inline(__always)
    mutating func tokens(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ key: Key, into out: inout [Range<Int>],
                         split: (inout [Range<Int>]) -> Void) {
        guard key.cacheable else { return split(&out) }
        let start = key.chunk.lowerBound
        let found = cache.withValues(ChunkSplitCache.bytes(s, key.chunk), hash: key.hash) { bounds in
            var k = 0
            while k < bounds.count {
                out.append((start + Int(bounds[k]))..<(start + Int(bounds[k + 1])))
                k += 2
            }
        }
        if found { return }
        let first = out.count
        split(&out)
        bounds.removeAll(keepingCapacity: true)
        for token in out[first...] {
            bounds.append(UInt32(token.lowerBound - start))
            bounds.append(UInt32(token.upperBound - start))
        }
        bounds.withUnsafeBufferPointer { cache.insert(ChunkSplitCache.bytes(s, key.chunk), hash: key.hash, values: $0) }
    }
}
