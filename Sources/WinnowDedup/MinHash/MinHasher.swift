/// MinHash signatures as datatrove computes them: hash k of a document is the minimum over its
/// shingles x of (x·a_k + b_k) mod p, p = 2^61 − 1, with x·a_k + b_k taken modulo 2^64 first
/// (NumPy's uint64 arithmetic wraps, and matching it is what makes signatures equal), masked
/// to 32 bits for precision 32. a_k ∈ [1, p) and b_k ∈ [0, p) are drawn from
/// NumPy's `RandomState(seed)`, all a's first.
///
/// Eight hashes at a time in SIMD lanes, each lane's minimum kept over every shingle;
/// x mod p is (x & p) + (x >> 61), less p once if still ≥ p, since 2^61 ≡ 1 (mod p).
struct MinHasher {
    static let prime: UInt64 = (1 << 61) - 1
    let count: Int
    private let a: [SIMD8<UInt64>]
    private let b: [SIMD8<UInt64>]
    private let mask: UInt64

    init(count: Int, seed: UInt32, precision: Int) {
        self.count = count
        var random = NumPyRandomState(seed: seed)
        let a = (0..<count).map { _ in random.randint(1, Self.prime) }
        let b = (0..<count).map { _ in random.randint(0, Self.prime) }
        self.a = Self.lanes(a)
        self.b = Self.lanes(b)
        mask = precision == 32 ? 0xFFFF_FFFF : .max
    }

    /// The permutation parameters, for tests against NumPy's.
    var parameters: (a: [UInt64], b: [UInt64]) {
        (Array(a.flatMap { v in (0..<8).map { v[$0] } }.prefix(count)), Array(b.flatMap { v in (0..<8).map { v[$0] } }.prefix(count)))
    }

    /// Writes the `count` hashes of a document with these shingle hashes (at least one).
    func signature(_ shingles: [UInt64], into out: inout [UInt64]) {
        out.removeAll(keepingCapacity: true)
        let p = SIMD8<UInt64>(repeating: Self.prime)
        let lowMask = SIMD8<UInt64>(repeating: mask)
        shingles.withUnsafeBufferPointer { xs in
            for lane in a.indices {
                let va = a[lane], vb = b[lane]
                var smallest = SIMD8<UInt64>(repeating: .max)
                for x in xs {
                    var v = SIMD8<UInt64>(repeating: x) &* va &+ vb
                    v = (v & p) &+ (v &>> 61)
                    v = v.replacing(with: v &- p, where: v .>= p)
                    v &= lowMask
                    smallest = smallest.replacing(with: v, where: v .< smallest)
                }
                for k in 0..<8 where out.count < count { out.append(smallest[k]) }
            }
        }
    }

    private static func lanes(_ values: [UInt64]) -> [SIMD8<UInt64>] {
        stride(from: 0, to: values.count, by: 8).map { start in
            var v = SIMD8<UInt64>(repeating: 0)
            for k in 0..<min(8, values.count - start) { v[k] = values[start + k] }
            return v
        }
    }
}
