#if canImport(Glibc)
import Glibc
#endif
import WinnowCore

/// Every way the current pieces cut one word (sentencepiece's `Lattice`, unigram_model.cc):
/// a node per piece occurrence, found by walking the pieces' trie from each character, plus an
/// unknown node (piece −1, scored `min_score − 10`) wherever no one-character piece starts.
/// One per training thread, reused word after word. Sums are in `Double`.
struct PieceLattice {
    /// Node k covers characters `starts[k]..<ends[k]` and is piece `pieces[k]` (−1: unknown).
    private(set) var starts: [Int32] = []
    private(set) var ends: [Int32] = []
    private(set) var pieces: [Int32] = []
    private(set) var scores: [Double] = []
    private(set) var characters = 0
    private var alpha: [Double] = []
    private var beta: [Double] = []
    private var best: [Double] = []
    private var bestNode: [Int32] = []

    /// Builds the nodes of `word` (UTF-8). `skip` is a piece left out (the pruning step asks
    /// how a piece would be cut without itself).
    mutating func set(_ word: UnsafeBufferPointer<UInt8>, model: TrainerPieces, skip: Int32 = -2) {
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        pieces.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
        var character = 0
        var i = 0
        let n = word.count
        model.trie.withTables { base, check, values in
            while i < n {
                let width = min(UTF8Scan.leadLength(word[i]), n - i)
                var node: Int32 = 0
                var k = i
                var charactersIn = 0
                var characterEnd = i + width
                var single = false
                while k < n {
                    let next = base[Int(node)] &+ Int32(word[k])
                    if check[Int(next)] != node { break }
                    node = next
                    k += 1
                    guard k == characterEnd else { continue }
                    charactersIn += 1
                    if k < n { characterEnd = min(k + UTF8Scan.leadLength(word[k]), n) }
                    let id = values[Int(node)]
                    if id == ByteTrie.none || id == skip { continue }
                    starts.append(Int32(character))
                    ends.append(Int32(character + charactersIn))
                    pieces.append(id)
                    scores.append(model.scores[Int(id)])
                    if charactersIn == 1 { single = true }
                }
                if !single {
                    starts.append(Int32(character))
                    ends.append(Int32(character + 1))
                    pieces.append(-1)
                    scores.append(model.unknownScore)
                }
                character += 1
                i += width
            }
        }
        characters = character
    }

    /// Adds `count` × each node's marginal probability to `expected` (fixed point, see
    /// `UnigramEM.scale`) and returns the word's log-likelihood log Z (forward-backward).
    mutating func addMarginals(count: Int64, into expected: UnsafeMutablePointer<Int64>) -> Double {
        let n = characters
        if alpha.count < n + 1 {
            alpha = [Double](repeating: 0, count: 2 * n + 2)
            beta = [Double](repeating: 0, count: 2 * n + 2)
        }
        for k in 0...n { alpha[k] = -.infinity; beta[k] = -.infinity }
        alpha[0] = 0
        beta[n] = 0
        let m = pieces.count
        for k in 0..<m {
            let s = Int(starts[k]), e = Int(ends[k])
            alpha[e] = Self.logAdd(alpha[e], alpha[s] + scores[k])
        }
        for k in stride(from: m - 1, through: 0, by: -1) {
            let s = Int(starts[k]), e = Int(ends[k])
            beta[s] = Self.logAdd(beta[s], scores[k] + beta[e])
        }
        let z = alpha[n]
        let weight = Double(count) * UnigramEM.scale
        for k in 0..<m where pieces[k] >= 0 {
            let p = exp(alpha[Int(starts[k])] + scores[k] + beta[Int(ends[k])] - z)
            expected[Int(pieces[k])] &+= Int64((weight * p).rounded())
        }
        return z
    }

    /// The best segmentation's nodes, in order (ties: the piece that starts first wins, as in
    /// sentencepiece's Viterbi), and its score; nil if there is none.
    mutating func viterbi(into path: inout [Int32]) -> Double? {
        let n = characters
        if best.count < n + 1 {
            best = [Double](repeating: 0, count: 2 * n + 2)
            bestNode = [Int32](repeating: -1, count: 2 * n + 2)
        }
        for k in 0...n { best[k] = -.infinity; bestNode[k] = -1 }
        best[0] = 0
        for k in 0..<pieces.count {
            let s = Int(starts[k]), e = Int(ends[k])
            guard best[s] > -.infinity else { continue }
            let candidate = best[s] + scores[k]
            if bestNode[e] < 0 || candidate > best[e] {
                best[e] = candidate
                bestNode[e] = Int32(k)
            }
        }
        path.removeAll(keepingCapacity: true)
        guard bestNode[n] >= 0 else { return nil }
        var end = n
        while end > 0 {
            let node = bestNode[end]
            path.append(node)
            end = Int(starts[Int(node)])
        }
        path.reverse()
        return best[n]
    }

    @inline(__always)
    static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
    }
}
