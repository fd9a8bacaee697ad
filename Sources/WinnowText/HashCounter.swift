/// Counts 64-bit keys (already well mixed, such as `PolynomialHash` values) in an open-addressing
/// table, remembering where each key was first seen. Swift's `Set`/`Dictionary` run SipHash on
/// every lookup, which dominated the repetition rules; these keys need no further hashing. A
/// slot keeps key, count and first position together (one cache line per probe), the most
/// frequent key is tracked as keys are added, and `reset` reuses the storage, so a document's
/// many counts (lines, paragraphs, each n) allocate once.
public struct HashCounter: Sendable {
    @usableFromInline struct Slot: Sendable {
        @usableFromInline var key: UInt64
        /// 0: empty.
        @usableFromInline var count: Int32
        @usableFromInline var first: Int32

        @inlinable init(key: UInt64, count: Int32, first: Int32) {
            self.key = key
            self.count = count
            self.first = first
        }
    }

    @usableFromInline var slots: [Slot]
    @usableFromInline var mask: Int
    @usableFromInline var entries = 0
    /// The most frequent key so far: its count and first position (earliest among equals).
    @usableFromInline var best: (count: Int32, first: Int32) = (0, 0)
    /// Distinct keys.
    public var count: Int { entries }

    public init(capacity: Int = 16) {
        let size = HashCounter.size(for: capacity)
        slots = [Slot](repeating: Slot(key: 0, count: 0, first: 0), count: size)
        mask = size - 1
    }

    static func size(for capacity: Int) -> Int {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        return size
    }

    /// Empties the counter for about `capacity` keys, keeping its storage when that is not far
    /// too large (clearing a big table for a short document would cost more than allocating).
    public mutating func reset(capacity: Int) {
        let size = HashCounter.size(for: capacity)
        if slots.count >= size, slots.count <= size * 4 {
            slots.withUnsafeMutableBufferPointer { $0.update(repeating: Slot(key: 0, count: 0, first: 0)) }
        } else {
            slots = [Slot](repeating: Slot(key: 0, count: 0, first: 0), count: size)
            mask = size - 1
        }
        entries = 0
        best = (0, 0)
    }

    @inlinable @inline(__always)
    func slot(for key: UInt64) -> Int {
        slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
            while slots[slot].count != 0 && slots[slot].key != key { slot = (slot + 1) & mask }
            return slot
        }
    }

    /// Adds one occurrence of `key` first seen at `position`; returns the count before.
    @inlinable @inline(__always) @discardableResult
    public mutating func add(_ key: UInt64, at position: Int) -> Int {
        let s = slot(for: key)
        let before = slots[s].count
        if before == 0 {
            slots[s] = Slot(key: key, count: 1, first: Int32(position))
            entries += 1
        } else {
            slots[s].count += 1
        }
        let now = (count: before + 1, first: slots[s].first)
        if now.count > best.count || (now.count == best.count && now.first < best.first) { best = now }
        if entries * 2 > slots.count { grow() }
        return Int(before)
    }

    /// `add`, also marking in `repeats` (indexed by position) every position of a key seen more
    /// than once: this one when it is a repeat, and the first one on the key's second sighting.
    @inlinable @inline(__always)
    public mutating func add(_ key: UInt64, at position: Int, markingRepeatsIn repeats: inout [Bool]) {
        let before = add(key, at: position)
        guard before > 0 else { return }
        repeats[position] = true
        if before == 1, let first = firstPosition(of: key) { repeats[first] = true }
    }

    /// Where `key` was first seen, if it was.
    @inlinable public func firstPosition(of key: UInt64) -> Int? {
        let s = slots[slot(for: key)]
        return s.count != 0 ? Int(s.first) : nil
    }

    /// The most frequent key's count and first position; among equals, the earliest.
    public var mostFrequent: (count: Int, first: Int)? {
        entries > 0 ? (Int(best.count), Int(best.first)) : nil
    }

    @usableFromInline mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: 0, count: 0, first: 0), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.count != 0 { slots[self.slot(for: slot.key)] = slot }
    }
}

extension PolynomialHash {
    /// One 64-bit key for both the value and the length power.
    @inlinable public var key: UInt64 { value ^ (power &* 0xC2B2_AE3D_27D4_EB4F) }
}
