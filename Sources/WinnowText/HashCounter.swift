/// Counts 64-bit keys (already well mixed, such as `PolynomialHash` values) in an open-addressing
/// table, remembering where each key was first seen. Swift's `Set`/`Dictionary` run SipHash on
/// every lookup, which dominated the repetition rules; these keys need no further hashing.
public struct HashCounter: Sendable {
    @usableFromInline var keys: [UInt64]
    @usableFromInline var counts: [Int32]
    @usableFromInline var firsts: [Int32]
    @usableFromInline var used: [Bool]
    @usableFromInline var mask: Int
    @usableFromInline var entries = 0
    /// Distinct keys.
    public var count: Int { entries }

    public init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        counts = [Int32](repeating: 0, count: size)
        firsts = [Int32](repeating: 0, count: size)
        used = [Bool](repeating: false, count: size)
        mask = size - 1
    }

    @inlinable @inline(__always)
    func slot(for key: UInt64) -> Int {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
        while used[slot] && keys[slot] != key { slot = (slot + 1) & mask }
        return slot
    }

    /// Adds one occurrence of `key` first seen at `position`; returns the count before.
    @inlinable @discardableResult
    public mutating func add(_ key: UInt64, at position: Int) -> Int {
        let s = slot(for: key)
        if used[s] {
            counts[s] += 1
            return Int(counts[s] - 1)
        }
        used[s] = true
        keys[s] = key
        counts[s] = 1
        firsts[s] = Int32(position)
        entries += 1
        if entries * 2 > keys.count { grow() }
        return 0
    }

    @inlinable public func contains(_ key: UInt64) -> Bool { used[slot(for: key)] }

    /// Where `key` was first seen, if it was.
    @inlinable public func firstPosition(of key: UInt64) -> Int? {
        let s = slot(for: key)
        return used[s] ? Int(firsts[s]) : nil
    }

    /// The most frequent key's count and first position; among equals, the earliest.
    public var mostFrequent: (count: Int, first: Int)? {
        var best: (count: Int, first: Int)?
        for s in 0..<keys.count where used[s] {
            let candidate = (Int(counts[s]), Int(firsts[s]))
            if let current = best, candidate.0 < current.count || (candidate.0 == current.count && candidate.1 > current.first) { continue }
            best = candidate
        }
        return best
    }

    @usableFromInline mutating func grow() {
        let old = (keys, counts, firsts, used)
        self = HashCounter(capacity: old.0.count)
        for s in 0..<old.0.count where old.3[s] {
            let t = slot(for: old.0[s])
            used[t] = true
            keys[t] = old.0[s]
            counts[t] = old.1[s]
            firsts[t] = old.2[s]
            entries += 1
        }
    }
}

extension PolynomialHash {
    /// One 64-bit key for both the value and the length power.
    @inlinable public var key: UInt64 { value ^ (power &* 0xC2B2_AE3D_27D4_EB4F) }
}
