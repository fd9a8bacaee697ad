import CLinux

/// A bounded cache from byte strings to short lists of 32-bit values: how a text chunk splits
/// into tokens, which n-gram features a word has. Hot loops look something up for every word,
/// in tables of megabytes read at random, so lookups wait on memory. The layout keeps that to two
/// reads: a slot holds the entry's hash tag and arena offset together, and an entry is one run of
/// the arena, `[key byte count, value count, key bytes (padded to 4), values…]`. Callers that know
/// their next keys start those reads early (`prefetchSlot`, then `prefetchEntry`). When it holds
/// `maxEntries` keys the cache is cleared whole.
public struct ByteKeyCache: Sendable {
    /// Tag (high 32 bits of the hash) and arena offset + 1 (low 32 bits); 0 = empty.
    @usableFromInline var slots: [UInt64]
    @usableFromInline var arena: [UInt32] = []
    @usableFromInline var entries = 0
    public let maxEntries: Int

    public init(maxEntries: Int) {
        var size = 16
        while size < maxEntries * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        self.maxEntries = maxEntries
    }

    /// The hash to pass with `key` (ByteKeyTable's).
    @inlinable @inline(__always)
    public static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        ByteKeyTable.hash(key)
    }

    /// Starts loading the first slot `hash` probes.
    @inlinable @inline(__always)
    public func prefetchSlot(_ hash: UInt64) {
        slots.withUnsafeBufferPointer { clinux_prefetch($0.baseAddress! + (Int(truncatingIfNeeded: hash) & ($0.count - 1))) }
    }

    /// Starts loading the entry the first slot points to, if its tag is `hash`'s (call a little
    /// after `prefetchSlot`), and says whether it was: false means the key is probably absent.
    @inlinable @inline(__always) @discardableResult
    public func prefetchEntry(_ hash: UInt64) -> Bool {
        slots.withUnsafeBufferPointer { slots in
            let slot = slots[Int(truncatingIfNeeded: hash) & (slots.count - 1)]
            guard slot != 0, slot >> 32 == hash >> 32 else { return false }
            arena.withUnsafeBufferPointer { clinux_prefetch($0.baseAddress! + Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1) }
            return true
        }
    }

    /// Calls `body` with the values stored for `key` and returns true, or returns false.
    @inlinable @inline(__always)
    public func withValues(_ key: UnsafeRawBufferPointer, hash: UInt64, _ body: (UnsafeBufferPointer<UInt32>) -> Void) -> Bool {
        slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                let mask = slots.count - 1
                var index = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let slot = slots[index]
                    if slot == 0 { return false }
                    if slot >> 32 == hash >> 32 {
                        let at = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                        if arena[at] == UInt32(key.count), ByteKeyTable.equal(UnsafeRawPointer(arena.baseAddress! + at + 2).assumingMemoryBound(to: UInt8.self), key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count) {
                            let values = at + 2 + (key.count + 3) / 4
                            body(UnsafeBufferPointer(rebasing: arena[values..<(values + Int(arena[at + 1]))]))
                            return true
                        }
                    }
                    index = (index + 1) & mask
                }
            }
        }
    }

    /// Stores `values` for `key`, which is not in the cache.
    public mutating func insert(_ key: UnsafeRawBufferPointer, hash: UInt64, values: UnsafeBufferPointer<UInt32>) {
        if entries >= maxEntries {
            slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            arena.removeAll(keepingCapacity: true)
            entries = 0
        }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index] != 0 { index = (index + 1) & mask }
        slots[index] = (hash >> 32) << 32 | UInt64(arena.count + 1)
        entries += 1
        arena.append(UInt32(key.count))
        arena.append(UInt32(values.count))
        let keyStart = arena.count
        arena.append(contentsOf: repeatElement(0, count: (key.count + 3) / 4))
        arena.withUnsafeMutableBytes { bytes in
            UnsafeMutableRawBufferPointer(rebasing: bytes[(keyStart * 4)...]).copyMemory(from: key)
        }
        arena.append(contentsOf: values)
    }
}
