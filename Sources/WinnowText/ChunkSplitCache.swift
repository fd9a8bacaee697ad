import CLinux
import WinnowCore

/// How white-space-free chunks of text split into tokens, remembered per chunk. A chunk's
/// tokens depend on the chunk alone, and web text repeats its chunks ("the", "and,", "it's"), so
/// most are looked up instead of split again; spaCy's tokenizer keeps the same kind of cache.
///
/// Lookups are bound by memory latency (the table is megabytes, read at random), so each entry
/// is one run of the arena — `[length, token count, scalars…, token bounds…]` — each slot holds
/// the entry's hash tag and arena offset together, and callers hash chunks ahead of their
/// lookup (`Key`, `prefetch`) so that the loads overlap. Memory is bounded: the cache is
/// cleared whole when it holds `maxEntries` chunks.
struct ChunkSplitCache: Sendable {
    /// Slot: hash tag (high 32 bits) and arena offset + 1 (low 32 bits; 0 = empty).
    private var slots = [UInt64](repeating: 0, count: 2 * ChunkSplitCache.maxEntries)
    private var arena: [UInt32] = []
    private var entries = 0

    /// Chunks longer than this (in scalars) are split without the cache: long ones rarely repeat.
    static let maxChunk = 48
    static let maxEntries = 1 << 17

    /// A chunk and its hash.
    struct Key {
        let chunk: Range<Int>
        let hash: UInt64
        var cacheable: Bool { chunk.count <= ChunkSplitCache.maxChunk }
    }

    @inline(__always)
    static func key(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ chunk: Range<Int>) -> Key {
        guard chunk.count <= maxChunk else { return Key(chunk: chunk, hash: 0) }
        let bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(s)[(chunk.lowerBound * 4)..<(chunk.upperBound * 4)])
        return Key(chunk: chunk, hash: ByteKeyTable.hash(bytes.assumingMemoryBound(to: UInt8.self)))
    }

    /// Starts loading the slot `key` probes first.
    @inline(__always)
    func prefetchSlot(_ key: Key) {
        slots.withUnsafeBufferPointer { clinux_prefetch($0.baseAddress! + (Int(truncatingIfNeeded: key.hash) & ($0.count - 1))) }
    }

    /// Starts loading the arena entry the first slot points to, if its tag matches.
    @inline(__always)
    func prefetchEntry(_ key: Key) {
        slots.withUnsafeBufferPointer { slots in
            let entry = slots[Int(truncatingIfNeeded: key.hash) & (slots.count - 1)]
            if entry != 0, entry >> 32 == key.hash >> 32 {
                arena.withUnsafeBufferPointer { clinux_prefetch($0.baseAddress! + Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1) }
            }
        }
    }

    /// Appends the tokens of the chunk, from the cache or by `split`, which appends them to
    /// `out` itself.
    @inline(__always)
    mutating func tokens(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ key: Key, into out: inout [Range<Int>],
                         split: (inout [Range<Int>]) -> Void) {
        guard key.cacheable else { return split(&out) }
        let chunk = key.chunk, length = chunk.count
        let scalars = UnsafeRawPointer(s.baseAddress! + chunk.lowerBound).assumingMemoryBound(to: UInt32.self)
        let tag = key.hash >> 32
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: key.hash) & mask
        let hit: Bool = slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                while true {
                    let entry = slots[slot]
                    if entry == 0 { return false }
                    if entry >> 32 == tag {
                        let at = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                        if arena[at] == UInt32(length), memcmp(arena.baseAddress! + at + 2, scalars, length * 4) == 0 {
                            var k = at + 2 + length
                            for _ in 0..<Int(arena[at + 1]) {
                                out.append((chunk.lowerBound + Int(arena[k]))..<(chunk.lowerBound + Int(arena[k + 1])))
                                k += 2
                            }
                            return true
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        if hit { return }
        let first = out.count
        split(&out)
        if entries >= ChunkSplitCache.maxEntries {
            slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            arena.removeAll(keepingCapacity: true)
            entries = 0
            slot = Int(truncatingIfNeeded: key.hash) & mask
        }
        slots[slot] = tag << 32 | UInt64(arena.count + 1)
        entries += 1
        arena.append(UInt32(length))
        arena.append(UInt32(out.count - first))
        arena.append(contentsOf: UnsafeBufferPointer(start: scalars, count: length))
        for token in out[first...] {
            arena.append(UInt32(token.lowerBound - chunk.lowerBound))
            arena.append(UInt32(token.upperBound - chunk.lowerBound))
        }
    }
}
