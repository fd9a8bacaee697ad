import WinnowCore

/// sentencepiece's BPE model (bpe_model.cc) run on our BPE merge engine. sentencepiece keeps no
/// merge list: starting from characters, it repeatedly joins the adjacent pair whose
/// concatenation is a piece of the highest score (the leftmost on ties). That is a merge list
/// ranked by score: every way of cutting a piece in two pieces is a merge giving that piece
/// (tokenizers.md §6.6 found 0 differences this way at scale).
///
/// The equivalence needs every character of a piece to be a piece itself, so that a character
/// outside the vocabulary (which sentencepiece could still join) never joins; models that break
/// this are refused. Unused pieces (which sentencepiece forms and then splits again) are refused
/// too; trained models have neither.
struct SentencePieceBPE: Sendable {
    private(set) var model: BPEModel
    /// The merges, by piece (so by score), each piece's cuts from the left: what HF's BPE needs
    /// to encode as sentencepiece does.
    let merges: [BPEVocabulary.Merge]
    let fallback: BPEModel.CharacterFallback
    /// No piece has a `▁` after its first character, so no merge crosses one and the text can
    /// be cut before each `▁` into words encoded (and cached) alone, with the same result.
    let splitsWords: Bool

    init(pieces: [SentencePieceModelProto.Piece], unknownID: UInt32, byteTokens: [UInt32]?, path: String) throws {
        var idOfNormal: [[UInt8]: UInt32] = [:]
        for (id, piece) in pieces.enumerated() {
            switch piece.type {
            case .normal: idOfNormal[piece.bytes] = UInt32(id)
            case .unused:
                throw WinnowError.config(path: path, line: nil, detail: "piece \(id) is unused; BPE models with unused pieces are not supported")
            default: break
            }
        }
        let userDefined = Set(pieces.filter { $0.type == .userDefined }.map(\.bytes))
        // Ranks: higher score first, equal scores sharing a rank.
        let distinctScores = Set(pieces.filter { $0.type == .normal }.map(\.score)).sorted(by: >)
        var rankOfScore: [Float: Int] = [:]
        for (rank, score) in distinctScores.enumerated() { rankOfScore[score] = rank }
        var merges: [BPEVocabulary.Merge] = []
        var ranks: [Int] = []
        var splitsWords = true
        for (id, piece) in pieces.enumerated() where piece.type == .normal {
            let bytes = piece.bytes
            var cut = UTF8Scan.leadLength(bytes[0])
            var characterStart = 0
            while characterStart < bytes.count {
                let width = min(UTF8Scan.leadLength(bytes[characterStart]), bytes.count - characterStart)
                let character = Array(bytes[characterStart..<(characterStart + width)])
                if idOfNormal[character] == nil, !userDefined.contains(character) {
                    throw WinnowError.config(path: path, line: nil, detail: """
                        piece \(id) '\(String(decoding: bytes, as: UTF8.self))' holds '\(String(decoding: character, as: UTF8.self))', \
                        which is not a piece; such BPE models are not supported
                        """)
                }
                if characterStart > 0, character == SentencePieceNormalizer.meta { splitsWords = false }
                characterStart += width
            }
            while cut < bytes.count {
                if let left = idOfNormal[Array(bytes[..<cut])], let right = idOfNormal[Array(bytes[cut...])] {
                    merges.append(.init(left: left, right: right, result: UInt32(id)))
                    ranks.append(rankOfScore[piece.score]!)
                }
                cut += UTF8Scan.leadLength(bytes[cut])
            }
        }
        // Only normal pieces are characters or merge results; the others are "specials" to the engine.
        let others = pieces.enumerated().filter { $0.element.type != .normal }.map { (content: "", id: UInt32($0.offset)) }
        let vocabulary = BPEVocabulary(tokens: pieces.map(\.bytes), merges: merges, specials: others)
        model = BPEModel(vocabulary, ignoreMerges: false, ranks: ranks)
        self.merges = merges
        fallback = .init(byteTokens: byteTokens, unknown: unknownID, fuseUnknown: true)
        self.splitsWords = splitsWords
    }

    /// A copy sharing no storage, for one encoding thread.
    func privateCopy() -> SentencePieceBPE {
        var copy = self
        copy.model = model.privateCopy()
        return copy
    }
}
