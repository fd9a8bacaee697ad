/// The project's one hash for seeds and fingerprints: 64-bit FNV-1a, the same on every run and
/// machine (unlike Swift's `Hasher`, which is seeded per process). Seeds derived from it are
/// finished with `SplitMix64.finalize`, which FNV-1a's weak low-bit mixing needs.
public enum StableHash {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a of `text`'s UTF-8 bytes, starting from `basis`.
    public static func fnv1a(_ text: String, basis: UInt64 = offsetBasis) -> UInt64 {
        fnv1a(bytes: text.utf8, basis: basis)
    }

    /// FNV-1a of any bytes.
    @inlinable
    public static func fnv1a<Bytes: Sequence<UInt8>>(bytes: Bytes, basis: UInt64 = offsetBasis) -> UInt64 {
        var h = basis
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// FNV-1a of `text` as 16 hex digits (step fingerprints in the ledger).
    public static func hex(_ text: String) -> String {
        let hex = String(fnv1a(text), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A seed for one item of a seeded run, from the run's `seed`, a name (a shard, a document
    /// id) and a number (a line): the same item gets the same seed whichever task handles it.
    public static func seed(_ seed: UInt64, _ name: String, _ number: UInt64 = 0) -> UInt64 {
        SplitMix64.finalize(fnv1a(name, basis: offsetBasis ^ seed) ^ number)
    }

    /// A 128-bit digest of bytes for exact matching (dedup keys): two independent 64-bit lanes,
    /// XXH64 and `ByteKeyTable.hash` finished by SplitMix64, both eight bytes a step. Two
    /// different inputs share it with probability about 2^-128 per pair, so a billion documents
    /// collide with odds near 10^-21.
    public static func digest(_ bytes: UnsafeRawBufferPointer) -> Digest {
        Digest(high: XXHash64.hash(bytes), low: SplitMix64.finalize(ByteKeyTable.hash(bytes)))
    }

    public struct Digest: Hashable, Comparable, Sendable {
        public var high: UInt64
        public var low: UInt64
        public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }
        public static func < (a: Digest, b: Digest) -> Bool { (a.high, a.low) < (b.high, b.low) }
        /// 32 hex digits.
        public var hex: String {
            [high, low].map { let h = String($0, radix: 16); return String(repeating: "0", count: 16 - h.count) + h }.joined()
        }
    }
}
