import COpenBLAS
import WinnowCore

/// Cosine similarities of unit vectors, as the matrix product A·Bᵀ (rows are vectors): the
/// inner loop of k-means assignment and of comparing a cluster's members, done by OpenBLAS's
/// sgemm or by a plain loop (`similarity: loop`), which the benchmark measures against it.
enum SimilarityMatrix {
    /// c[i·n + j] = a_i · b_j for the `m` rows of `a` and `n` rows of `b`, `d` numbers each.
    static func multiply(_ a: UnsafeBufferPointer<Float>, rows m: Int, _ b: UnsafeBufferPointer<Float>, rows n: Int,
                         dimension d: Int, into c: UnsafeMutableBufferPointer<Float>, using method: SemanticSettings.Similarity) {
        guard m > 0, n > 0 else { return }
        switch method {
        case .blas:
            cwinnow_blas_multiply_transposed(Int32(m), Int32(n), Int32(d), a.baseAddress, b.baseAddress, c.baseAddress)
        case .loop:
            for i in 0..<m {
                let row = a.baseAddress! + i * d
                for j in 0..<n {
                    let other = b.baseAddress! + j * d
                    var sum: Float = 0
                    for k in 0..<d { sum += row[k] * other[k] }
                    c[i * n + j] = sum
                }
            }
        }
    }

    /// Loads OpenBLAS for `.blas`, with one thread: tasks already run in parallel, one per
    /// core, and sgemm's own threads would compete with them (and could change the summation
    /// order). Only the tasks that multiply load it (see COpenBLAS).
    static func prepare(_ method: SemanticSettings.Similarity, step: String) throws {
        guard method == .blas else { return }
        var error: UnsafePointer<CChar>?
        guard cwinnow_blas_load(&error) == 0 else {
            let reason = error.map { String(cString: $0) } ?? "unknown error"
            throw WinnowError.invalid("step '\(step)': similarity: blas needs OpenBLAS, which did not load (\(reason)); install libopenblas0 (Scripts/setup.sh does) or set similarity: loop")
        }
    }

    /// Scales a vector to length 1; false if it is all zeros.
    static func normalize(_ v: UnsafeMutableBufferPointer<Float>) -> Bool {
        var norm: Float = 0
        for x in v { norm += x * x }
        guard norm > 0 else { return false }
        let scale = 1 / norm.squareRoot()
        for k in v.indices { v[k] *= scale }
        return true
    }
}
