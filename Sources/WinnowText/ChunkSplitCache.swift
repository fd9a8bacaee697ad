import WinnowCore

/// How white-space-free chunks of text split into tokens, remembered per chunk (each token as
/// its offsets from the chunk's start and its `PolynomialHash`, which the repetition and
/// stop-word measures need for every word). A chunk's tokens depend on the chunk alone, and web text
/// repeats its chunks ("the", "and,", "it's"), so most are looked up instead of split again;
/// spaCy's tokenizer keeps the same kind of cache. Callers hash their chunks ahead of the lookups
/// and prefetch (see `ByteKeyCache`).
struct ChunkSplitCache: Sendable {
    private var cache = ByteKeyCache(maxEntries: 1 << 18)
    /// The entry being built on a miss, and the chunk's tokens as `split` gives them.
    private var entry: [UInt32] = []
    private var pieces: [Range<Int>] = []

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

    /// Appends the tokens of the chunk and their hashes to `sink`, from the cache or by `split`,
    /// which appends the tokens to the array it is given.
    @inline(__always)
    mutating func tokens(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ key: Key, into sink: inout TokenSink,
                         split: (inout [Range<Int>]) -> Void) {
        let start = key.chunk.lowerBound
        if key.cacheable {
            // Per token: start, end, hash value (low, high), hash power (low, high).
            let found = cache.withValues(ChunkSplitCache.bytes(s, key.chunk), hash: key.hash) { cached in
                var k = 0
                while k < cached.count {
                    sink.append((start + Int(cached[k]))..<(start + Int(cached[k + 1])),
                                PolynomialHash(value: UInt64(cached[k + 2]) | UInt64(cached[k + 3]) << 32,
                                               power: UInt64(cached[k + 4]) | UInt64(cached[k + 5]) << 32))
                    k += 6
                }
            }
            if found { return }
        }
        pieces.removeAll(keepingCapacity: true)
        split(&pieces)
        entry.removeAll(keepingCapacity: true)
        for token in pieces {
            let hash = PolynomialHash(UnsafeBufferPointer(rebasing: s[token]))
            sink.append(token, hash)
            entry.append(UInt32(token.lowerBound - start))
            entry.append(UInt32(token.upperBound - start))
            entry.append(UInt32(truncatingIfNeeded: hash.value))
            entry.append(UInt32(truncatingIfNeeded: hash.value >> 32))
            entry.append(UInt32(truncatingIfNeeded: hash.power))
            entry.append(UInt32(truncatingIfNeeded: hash.power >> 32))
        }
        guard key.cacheable else { return }
        entry.withUnsafeBufferPointer { cache.insert(ChunkSplitCache.bytes(s, key.chunk), hash: key.hash, values: $0) }
    }
}

/// Where a text's tokens and their hashes are written, one slot each, into storage the caller
/// sized for the most tokens the text can hold (one per non-space scalar): the tokenizer writes
/// a token for nearly every chunk of every document, and `Array.append` would check capacity and
/// uniqueness each time.
struct TokenSink {
    let ranges: UnsafeMutablePointer<Range<Int>>
    let hashes: UnsafeMutablePointer<PolynomialHash>
    let capacity: Int
    private(set) var count = 0

    init(ranges: UnsafeMutablePointer<Range<Int>>, hashes: UnsafeMutablePointer<PolynomialHash>, capacity: Int) {
        self.ranges = ranges
        self.hashes = hashes
        self.capacity = capacity
    }

    @inline(__always)
    mutating func append(_ range: Range<Int>, _ hash: PolynomialHash) {
        precondition(count < capacity, "more tokens than scalars")
        (ranges + count).initialize(to: range)
        (hashes + count).initialize(to: hash)
        count += 1
    }
}
