import WinnowCore

/// Segments normalized text with a unigram language model as sentencepiece does
/// (unigram_model.cc, `EncodeOptimized`): the sequence of pieces with the highest total score,
/// found left to right over byte positions, keeping only the best path ending at each position.
/// A character no piece starts with is an unknown node (`unknownNode`), scored `min_score - 10`.
///
/// The arithmetic decides near-ties, so it is the peer's: sentencepiece sums in `Float` over the
/// whole normalized sentence (`Score` = `Float`; summing in `Double` instead changed 2 of 310
/// fixture lines, `ppp`: p pp against pp p), HF's Unigram model in `Double` word by word
/// (`Double`, with the caller cutting words). A candidate replaces the best path ending at a
/// position only when strictly greater, so on a tie the piece starting first wins, in both.
struct UnigramModel<Score: BinaryFloatingPoint & Sendable & BitwiseCopyable>: Sendable {
    /// Pieces that can be matched in text (normal and user-defined; unused pieces are skipped).
    let trie: ByteTrie
    /// Score of the piece at each trie node that holds one (user-defined pieces get
    /// `length · max_score − 0.1`, sentencepiece's bonus to make them win).
    let nodeScores: [Score]
    let unknownScore: Score

    /// The best path ending at each byte position of the text being encoded.
    struct Scratch {
        var scores: [Score] = []
        var starts: [Int32] = []
        var ids: [Int32] = []
        var path: [Int32] = []
    }

    /// `pieces` are (bytes, id, score, user-defined) of the matchable pieces; `normalScores` the
    /// scores of the normal ones, which set the unknown penalty and the user-defined bonus.
    /// What `segment` emits for a character no piece covers.
    static var unknownNode: UInt32 { .max }

    init(pieces: [(bytes: [UInt8], id: UInt32, score: Float, userDefined: Bool)]) {
        var minScore = Score.greatestFiniteMagnitude, maxScore = Score.leastNormalMagnitude
        for piece in pieces where !piece.userDefined {
            minScore = min(minScore, Score(piece.score))
            maxScore = max(maxScore, Score(piece.score))
        }
        let trie = ByteTrie(pieces.map { (key: $0.bytes, value: Int32($0.id)) })
        var nodeScores = [Score](repeating: 0, count: trie.nodeCount)
        for piece in pieces {
            var node: Int32 = 0
            for byte in piece.bytes { node = trie.child(node, byte) }
            nodeScores[Int(node)] = piece.userDefined ? Score(Double(Score(piece.bytes.count) * maxScore) - 0.1) : Score(piece.score)
        }
        self.trie = trie
        self.nodeScores = nodeScores
        unknownScore = minScore - 10
    }

    /// The same model with its scores in `Double` (n-best and sampling sum in `Double`).
    func widened() -> UnigramModel<Double> {
        UnigramModel<Double>(trie: trie, nodeScores: nodeScores.map { Double($0) }, unknownScore: Double(unknownScore))
    }

    func privateCopy() -> UnigramModel {
        UnigramModel(trie: trie.privateCopy(), nodeScores: nodeScores.privateCopy(), unknownScore: unknownScore)
    }

    fileprivate init(trie: ByteTrie, nodeScores: [Score], unknownScore: Score) {
        self.trie = trie
        self.nodeScores = nodeScores
        self.unknownScore = unknownScore
    }

    /// Calls `emit(id, start, end)` for each piece of the best segmentation of `text`, in order
    /// (`start..<end`: the bytes the piece covers, which byte fallback needs for unknowns).
    @inline(__always)
    func segment(_ text: UnsafeBufferPointer<UInt8>, scratch: inout Scratch, _ emit: (UInt32, Int, Int) -> Void) {
        let n = text.count
        guard n > 0 else { return }
        if scratch.scores.count < n + 1 {
            let size = max(n + 1, 2 * scratch.scores.count)
            scratch.scores = [Score](repeating: 0, count: size)
            scratch.starts = [Int32](repeating: -1, count: size)
            scratch.ids = [Int32](repeating: -1, count: size)
        }
        var path = scratch.path
        path.removeAll(keepingCapacity: true)
        scratch.scores.withUnsafeMutableBufferPointer { scores in
            scratch.starts.withUnsafeMutableBufferPointer { starts in
                scratch.ids.withUnsafeMutableBufferPointer { ids in
                    nodeScores.withUnsafeBufferPointer { nodeScores in
                        trie.withTables { base, check, values in
                            for k in 0...n { starts[k] = -1 }
                            scores[0] = 0
                            var start = 0
                            while start < n {
                                let here = scores[start]
                                let width = min(UTF8Scan.leadLength(text[start]), n - start)
                                var covered = false
                                var node: Int32 = 0
                                var k = start
                                while k < n {
                                    let next = base[Int(node)] &+ Int32(text[k])
                                    if check[Int(next)] != node { break }
                                    node = next
                                    k += 1
                                    let id = values[Int(node)]
                                    if id == ByteTrie.none { continue }
                                    let candidate = nodeScores[Int(node)] + here
                                    if starts[k] == -1 || candidate > scores[k] {
                                        scores[k] = candidate
                                        starts[k] = Int32(start)
                                        ids[k] = id
                                    }
                                    if k - start == width { covered = true }
                                }
                                if !covered {
                                    let end = start + width
                                    let candidate = unknownScore + here
                                    if starts[end] == -1 || candidate > scores[end] {
                                        scores[end] = candidate
                                        starts[end] = Int32(start)
                                        ids[end] = -2
                                    }
                                }
                                start += width
                            }
                            var end = n
                            while end > 0 {
                                path.append(Int32(end))
                                end = Int(starts[end])
                            }
                        }
                    }
                }
            }
        }
        var start = 0
        for end in path.reversed() {
            let id = scratch.ids[Int(end)]
            emit(id == -2 ? Self.unknownNode : UInt32(id), start, Int(end))
            start = Int(end)
        }
        scratch.path = path
    }
}
