/// The pieces of a unigram model being trained, with the trie the lattices walk (sentencepiece's
/// `TrainerModel`). Rebuilt whenever the piece set changes.
struct TrainerPieces: Sendable {
    let pieces: [[UInt8]]
    let scores: [Double]
    let trie: ByteTrie
    let minScore: Double
    /// What an unknown character costs (`min_score − 10`, sentencepiece's `kUnkPenalty`).
    var unknownScore: Double { minScore - 10 }

    init(_ entries: [(piece: [UInt8], score: Double)]) {
        pieces = entries.map(\.piece)
        scores = entries.map(\.score)
        minScore = scores.min() ?? 0
        trie = ByteTrie(entries.enumerated().map { (key: $0.element.piece, value: Int32($0.offset)) })
    }

    var count: Int { pieces.count }

    var entries: [(piece: [UInt8], score: Double)] { Array(zip(pieces, scores)) }
}
