#if canImport(Glibc)
import Glibc
#endif
import WinnowCore

/// Every segmentation of one normalized text under a unigram model, for what Viterbi alone
/// cannot give: the n best segmentations, and sampled ones for subword regularisation (Kudo
/// 2018, as sentencepiece's `NBestEncode` and `SampleEncode` offer them). Nodes are the pieces
/// the model's trie finds at each character, plus an unknown node where no one-character piece
/// starts, exactly as `UnigramModel.segment` considers them.
struct UnigramLattice {
    struct Node {
        var start: Int
        var end: Int
        /// The piece, or `UnigramModel.unknownNode`.
        var id: UInt32
        var score: Double
    }

    /// Nodes in order of their start.
    private(set) var nodes: [Node] = []
    let length: Int

    init<Score>(_ text: UnsafeBufferPointer<UInt8>, model: UnigramModel<Score>) {
        length = text.count
        var start = 0
        while start < text.count {
            let width = min(UTF8Scan.leadLength(text[start]), text.count - start)
            var covered = false
            var node: Int32 = 0
            var k = start
            while k < text.count {
                node = model.trie.child(node, text[k])
                if node == ByteTrie.none { break }
                k += 1
                let id = model.trie.values[Int(node)]
                guard id != ByteTrie.none else { continue }
                nodes.append(Node(start: start, end: k, id: UInt32(id), score: Double(model.nodeScores[Int(node)])))
                if k - start == width { covered = true }
            }
            if !covered {
                nodes.append(Node(start: start, end: start + width, id: UnigramModel<Score>.unknownNode, score: Double(model.unknownScore)))
            }
            start += width
        }
    }

    /// The `count` best segmentations, best first, as node indices, with their scores (a
    /// k-best Viterbi: each position keeps its `count` best paths). Empty text has one, empty.
    func nBest(_ count: Int) -> [(path: [Int], score: Double)] {
        guard count > 0 else { return [] }
        guard length > 0 else { return [([], 0)] }
        // best[p]: up to `count` (score, node ending at p, rank of the path before it at node.start).
        var best = [[(score: Double, node: Int, previous: Int)]](repeating: [], count: length + 1)
        best[0] = [(0, -1, -1)]
        for (index, node) in nodes.enumerated() {
            for (rank, path) in best[node.start].enumerated() {
                let candidate = (score: path.score + node.score, node: index, previous: rank)
                var list = best[node.end]
                if list.count == count, let last = list.last, !(candidate.score > last.score) { break }
                let at = list.firstIndex { candidate.score > $0.score } ?? list.count
                list.insert(candidate, at: at)
                if list.count > count { list.removeLast() }
                best[node.end] = list
            }
        }
        return best[length].map { entry in
            var path: [Int] = []
            var (position, node, previous) = (length, entry.node, entry.previous)
            while node >= 0 {
                path.append(node)
                position = nodes[node].start
                let before = best[position][previous]
                (node, previous) = (before.node, before.previous)
            }
            return (path.reversed(), entry.score)
        }
    }

    /// A segmentation drawn with probability proportional to exp(θ · score) over all of them
    /// (forward filtering, backward sampling).
    func sample(theta: Double, using random: inout some RandomNumberGenerator) -> [Int] {
        guard length > 0 else { return [] }
        var alpha = [Double](repeating: -.infinity, count: length + 1)
        alpha[0] = 0
        var ending = [[Int]](repeating: [], count: length + 1)
        for (index, node) in nodes.enumerated() {
            alpha[node.end] = PieceLattice.logAdd(alpha[node.end], alpha[node.start] + theta * node.score)
            ending[node.end].append(index)
        }
        var path: [Int] = []
        var position = length
        while position > 0 {
            let candidates = ending[position]
            let weights = candidates.map { exp(alpha[nodes[$0].start] + theta * nodes[$0].score - alpha[position]) }
            var draw = Double.random(in: 0..<weights.reduce(0, +), using: &random)
            var chosen = candidates[candidates.count - 1]
            for (k, weight) in weights.enumerated() {
                if draw < weight {
                    chosen = candidates[k]
                    break
                }
                draw -= weight
            }
            path.append(chosen)
            position = nodes[chosen].start
        }
        return path.reversed()
    }
}
