import CWinnowKernels

/// MinHash signatures as datatrove computes them: hash k of a document is the minimum over its
/// shingles x of (x·a_k + b_k) mod p, p = 2^61 − 1, with x·a_k + b_k taken modulo 2^64 first
/// (NumPy's uint64 arithmetic wraps, and matching it is what makes signatures equal), masked
/// to 32 bits for precision 32. a_k ∈ [1, p) and b_k ∈ [0, p) are drawn from
/// NumPy's `RandomState(seed)`, all a's first.
///
/// The loop itself is C (`cwinnow_minhash`), compiled for AVX-512 and AVX2 as well as x86-64's
/// baseline: Swift's SIMD types on the baseline (SSE2) must emulate 64-bit multiplies and
/// compares, and ran 1.6 times slower than a plain loop.
struct MinHasher {
    static let prime: UInt64 = (1 << 61) - 1
    let count: Int
    private let a: [UInt64]
    private let b: [UInt64]
    private let mask: UInt64

    init(count: Int, seed: UInt32, precision: Int) {
        self.count = count
        var random = NumPyRandomState(seed: seed)
        a = (0..<count).map { _ in random.randint(1, Self.prime) }
        b = (0..<count).map { _ in random.randint(0, Self.prime) }
        mask = precision == 32 ? 0xFFFF_FFFF : .max
    }

    /// The permutation parameters, for tests against NumPy's.
    var parameters: (a: [UInt64], b: [UInt64]) { (a, b) }

    /// Writes the `count` hashes of a document with these shingle hashes (at least one).
    func signature(_ shingles: [UInt64], into out: inout [UInt64]) {
        if out.count != count { out = [UInt64](repeating: 0, count: count) } // every element is overwritten
        shingles.withUnsafeBufferPointer { xs in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    out.withUnsafeMutableBufferPointer { out in
                        cwinnow_minhash(xs.baseAddress, xs.count, a.baseAddress, b.baseAddress, count, mask, out.baseAddress)
                    }
                }
            }
        }
    }
}
