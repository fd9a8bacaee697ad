import WinnowCore

/// Merge rules by pair, for encoding: an open-addressing table from `(left << 32 | right)` to
/// `(rank << 32 | result)`, probed with one multiply instead of SipHash, because the encoder
/// looks pairs up for every cache miss.
struct PairTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private let mask: Int
    static let empty = UInt64.max

    /// `ranks[k]` is the priority of merge `k` (default: its position); merges may share one,
    /// as sentencepiece pieces of equal score do, and the leftmost pair then goes first.
    init(_ merges: [BPEVocabulary.Merge], ranks: [Int]? = nil) {
        var size = 16
        while size < merges.count * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [UInt64](repeating: 0, count: size)
        mask = size - 1
        // A pair listed twice keeps its last rule, as HF's map collected from the list does.
        for (k, merge) in merges.enumerated() {
            let key = UInt64(merge.left) << 32 | UInt64(merge.right)
            var slot = Self.slot(key, mask)
            while keys[slot] != Self.empty, keys[slot] != key { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = UInt64(ranks?[k] ?? k) << 32 | UInt64(merge.result)
        }
    }

    /// A copy sharing no storage (see `ByteKeyTable.privateCopy`).
    func privateCopy() -> PairTable {
        var copy = self
        copy.keys = keys.privateCopy()
        copy.values = values.privateCopy()
        return copy
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// `rank << 32 | result`, or `UInt64.max` when the pair has no rule.
    @inline(__always)
    func lookup(_ left: UInt32, _ right: UInt32) -> UInt64 {
        let key = UInt64(left) << 32 | UInt64(right)
        var slot = Self.slot(key, mask)
        while true {
            let k = keys[slot]
            if k == key { return values[slot] }
            if k == Self.empty { return UInt64.max }
            slot = (slot + 1) & mask
        }
    }
}
