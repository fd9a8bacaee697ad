import WinnowCore

/// The n best segmentations of a text and sampled segmentations (subword regularisation, Kudo
/// 2018), for unigram models, as sentencepiece's `nbest_encode` and `sample_encode` give them:
/// the text normalized as encoding does, unknown characters as `<unk>` (one per run) or their
/// byte pieces. Special-token text is encoded as ordinary text.
extension SentencePieceTokenizer {
    /// The model's unigram view, or an error naming what the model is.
    private func unigramModel() throws -> UnigramModel<Double> {
        switch model {
        case let .unigramByWord(unigram): return unigram
        case let .unigram(unigram): return unigram.widened()
        case .bpe: throw WinnowError.invalid("n-best and sampled segmentations need a unigram model; this one is BPE")
        }
    }

    /// The `count` best segmentations of `text`, best first, with their scores.
    public func nBest(_ text: [UInt8], count: Int) throws -> [(ids: [UInt32], score: Double)] {
        let model = try unigramModel()
        var encoder = SentencePieceEncoder(tokenizer: self, policy: .ordinary)
        let normalized = text.withUnsafeBufferPointer { encoder.normalize($0) }
        return normalized.withUnsafeBufferPointer { buffer in
            let lattice = UnigramLattice(buffer, model: model)
            return lattice.nBest(count).map { (ids(of: $0.path, in: lattice, buffer), $0.score) }
        }
    }

    /// A segmentation of `text` drawn at random: from the `nbestSize` best with probability
    /// proportional to exp(alpha · score), or, with `nbestSize` below 0, from all of them; an
    /// `nbestSize` of 0 or 1 is the best segmentation (sentencepiece's `nbest_size`).
    public func sample(_ text: [UInt8], nbestSize: Int, alpha: Double, using random: inout some RandomNumberGenerator) throws -> [UInt32] {
        let model = try unigramModel()
        var encoder = SentencePieceEncoder(tokenizer: self, policy: .ordinary)
        let normalized = text.withUnsafeBufferPointer { encoder.normalize($0) }
        return normalized.withUnsafeBufferPointer { buffer in
            let lattice = UnigramLattice(buffer, model: model)
            if nbestSize < 0 { return ids(of: lattice.sample(theta: alpha, using: &random), in: lattice, buffer) }
            let candidates = lattice.nBest(max(1, nbestSize))
            guard candidates.count > 1 else { return candidates.first.map { ids(of: $0.path, in: lattice, buffer) } ?? [] }
            let top = candidates[0].score
            let weights = candidates.map { exp(alpha * ($0.score - top)) }
            var draw = Double.random(in: 0..<weights.reduce(0, +), using: &random)
            for (k, weight) in weights.enumerated() {
                if draw < weight { return ids(of: candidates[k].path, in: lattice, buffer) }
                draw -= weight
            }
            return ids(of: candidates[candidates.count - 1].path, in: lattice, buffer)
        }
    }

    private func ids(of path: [Int], in lattice: UnigramLattice, _ text: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        var ids: [UInt32] = []
        var previousUnknown = false
        for index in path {
            let node = lattice.nodes[index]
            SentencePieceEncoder.appendPiece(node.id, text[node.start..<node.end], previousUnknown: &previousUnknown,
                                             unknownID: unknownID, byteTokens: byteTokens, into: &ids)
        }
        return ids
    }
}
