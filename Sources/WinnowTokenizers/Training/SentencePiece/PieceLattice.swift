#if canImport(Glibc)
import Glibc
#endif
import WinnowCore

/// Every way the current pieces cut one word (sentencepiece's `Lattice`, unigram_model.cc):
/// a node per piece occurrence, found by walking the pieces' trie from each character, plus an
/// unknown node (piece −1, scored `min_score − 10`) wherever no one-character piece starts.
/// One per training thread, reused word after word (its buffers only grow). Sums are in `Double`.
struct PieceLattice {
    struct Node {
        /// The characters `start..<end` of the word.
        var start: Int32
        var end: Int32
        /// The piece's index in the model (−1: unknown).
        var piece: Int32
        var score: Double
    }

    private(set) var nodes: [Node] = []
    private(set) var count = 0
    private(set) var characters = 0
    private var alpha: [Double] = []
    private var beta: [Double] = []
    private var bestNode: [Int32] = []

    @inline(__always)
    private mutating func append(_ node: Node) {
        if count == nodes.count { nodes += [Node](repeating: node, count: max(64, nodes.count)) }
        nodes[count] = node
        count += 1
    }

    /// Builds the nodes of `word` (UTF-8). `skip` is a piece left out (the pruning step asks
    /// how a piece would be cut without itself).
    mutating func set(_ word: UnsafeBufferPointer<UInt8>, model: TrainerPieces, skip: Int32 = -2) {
        count = 0
        var character = 0
        var i = 0
        let n = word.count
        model.trie.withTables { base, check, values in
            model.scores.withUnsafeBufferPointer { scores in
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
                        append(Node(start: Int32(character), end: Int32(character + charactersIn), piece: id, score: scores[Int(id)]))
                        if charactersIn == 1 { single = true }
                    }
                    if !single {
                        append(Node(start: Int32(character), end: Int32(character + 1), piece: -1, score: model.unknownScore))
                    }
                    character += 1
                    i += width
                }
            }
        }
        characters = character
        if alpha.count < character + 1 {
            alpha = [Double](repeating: 0, count: 2 * character + 2)
            beta = alpha
            bestNode = [Int32](repeating: -1, count: 2 * character + 2)
        }
    }

    /// Adds `count` × each node's marginal probability to `expected` (fixed point, see
    /// `UnigramEM.scale`) and returns the word's log-likelihood log Z (forward-backward).
    mutating func addMarginals(count wordCount: Int64, into expected: UnsafeMutablePointer<Int64>) -> Double {
        let n = characters, m = count
        let weight = Double(wordCount) * UnigramEM.scale
        return nodes.withUnsafeBufferPointer { nodes in
            alpha.withUnsafeMutableBufferPointer { alpha in
                beta.withUnsafeMutableBufferPointer { beta in
                    for k in 0...n { alpha[k] = -.infinity; beta[k] = -.infinity }
                    alpha[0] = 0
                    beta[n] = 0
                    for k in 0..<m {
                        let node = nodes[k]
                        alpha[Int(node.end)] = Self.logAdd(alpha[Int(node.end)], alpha[Int(node.start)] + node.score)
                    }
                    for k in stride(from: m - 1, through: 0, by: -1) {
                        let node = nodes[k]
                        beta[Int(node.start)] = Self.logAdd(beta[Int(node.start)], node.score + beta[Int(node.end)])
                    }
                    let z = alpha[n]
                    for k in 0..<m where nodes[k].piece >= 0 {
                        let node = nodes[k]
                        let p = exp(alpha[Int(node.start)] + node.score + beta[Int(node.end)] - z)
                        expected[Int(node.piece)] &+= Int64((weight * p).rounded())
                    }
                    return z
                }
            }
        }
    }

    /// The best segmentation's nodes, in order (ties: the piece that starts first wins, as in
    /// sentencepiece's Viterbi), and its score; nil if there is none.
    mutating func viterbi(into path: inout [Int32]) -> Double? {
        let n = characters, m = count
        path.removeAll(keepingCapacity: true)
        let score: Double? = nodes.withUnsafeBufferPointer { nodes in
            alpha.withUnsafeMutableBufferPointer { best in
                bestNode.withUnsafeMutableBufferPointer { bestNode in
                    for k in 0...n { best[k] = -.infinity; bestNode[k] = -1 }
                    best[0] = 0
                    for k in 0..<m {
                        let node = nodes[k]
                        let s = Int(node.start), e = Int(node.end)
                        guard best[s] > -.infinity else { continue }
                        let candidate = best[s] + node.score
                        if bestNode[e] < 0 || candidate > best[e] {
                            best[e] = candidate
                            bestNode[e] = Int32(k)
                        }
                    }
                    guard bestNode[n] >= 0 else { return nil }
                    var end = n
                    while end > 0 {
                        let node = bestNode[end]
                        path.append(node)
                        end = Int(nodes[Int(node)].start)
                    }
                    return best[n]
                }
            }
        }
        path.reverse()
        return score
    }

    @inline(__always)
    static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
    }
}
