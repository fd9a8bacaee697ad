import Foundation

/// The label tree of hierarchical softmax, built from label counts exactly as fastText's
/// `buildTree` does (labels are sorted by count, most frequent first).
struct HuffmanTree: Sendable {
    struct Node: Sendable {
        var parent = -1
        var left = -1
        var right = -1
        var count: Int64 = 1_000_000_000_000_000
        var binary = false
    }

    let nodes: [Node]
    let leaves: Int
    /// For each label, the internal nodes (as output-matrix rows) from the leaf to the root, and
    /// the branch taken at each.
    let paths: [[Int32]]
    let codes: [[Bool]]

    init(counts: [Int64]) {
        let n = counts.count
        var nodes = [Node](repeating: Node(), count: max(1, 2 * n - 1))
        for i in 0..<n { nodes[i].count = counts[i] }
        var leaf = n - 1
        var node = n
        for i in stride(from: n, to: 2 * n - 1, by: 1) {
            var smallest = [0, 0]
            for j in 0..<2 {
                if leaf >= 0 && nodes[leaf].count < nodes[node].count {
                    smallest[j] = leaf
                    leaf -= 1
                } else {
                    smallest[j] = node
                    node += 1
                }
            }
            nodes[i].left = smallest[0]
            nodes[i].right = smallest[1]
            nodes[i].count = nodes[smallest[0]].count + nodes[smallest[1]].count
            nodes[smallest[0]].parent = i
            nodes[smallest[1]].parent = i
            nodes[smallest[1]].binary = true
        }
        var paths: [[Int32]] = [], codes: [[Bool]] = []
        for i in 0..<n {
            var path: [Int32] = [], code: [Bool] = []
            var j = i
            while nodes[j].parent != -1 {
                path.append(Int32(nodes[j].parent - n))
                code.append(nodes[j].binary)
                j = nodes[j].parent
            }
            paths.append(path)
            codes.append(code)
        }
        self.nodes = nodes
        leaves = n
        self.paths = paths
        self.codes = codes
    }

    func predict(k: Int, threshold: Float, hidden: UnsafePointer<Float>, output: any FastTextMatrix, heap: inout StdHeap) {
        guard leaves > 0 else { return }
        // The bound in log space, once per prediction rather than at every node.
        depthFirst(k: k, logThreshold: FastTextModel.stdLog(threshold), node: 2 * leaves - 2, score: 0, hidden: hidden, output: output,
                   heap: &heap)
    }

    private func depthFirst(k: Int, logThreshold: Float, node: Int, score: Float, hidden: UnsafePointer<Float>,
                            output: any FastTextMatrix, heap: inout StdHeap) {
        if score < logThreshold { return }
        if heap.count == k && score < heap.front.score { return }
        if nodes[node].left == -1 && nodes[node].right == -1 {
            heap.push((score, Int32(node)), keeping: k)
            return
        }
        var f = output.dot(row: node - leaves, hidden)
        f = Float(1.0 / Double(1 + expf(-f)))
        depthFirst(k: k, logThreshold: logThreshold, node: nodes[node].left, score: score + FastTextModel.stdLog(Float(1.0 - Double(f))),
                   hidden: hidden, output: output, heap: &heap)
        depthFirst(k: k, logThreshold: logThreshold, node: nodes[node].right, score: score + FastTextModel.stdLog(f),
                   hidden: hidden, output: output, heap: &heap)
    }
}
