import WinnowCore

/// One byte-level BPE training run, as `winnow tokenizer train` and the `tokenizer-train` stage
/// both do it: count the corpus's pre-tokenised words, learn the merges, and write the result
/// as `tokenizer.json` with `tokenizer_config.json` beside it.
public struct BPETraining {
    public let tokenizer: BPETokenizer
    /// The word counts the merges were learned from (sequences, bytes, what reading counted).
    public let words: WordCounts
    public let countingSeconds: Double
    public let mergingSeconds: Double

    /// `skipSpecialText` leaves the trainer's special tokens out of the word counts (see
    /// `WordCounts.count`).
    public init(corpus: TextCorpus, split: PreTokenizer, trainer: BPETrainer, skipSpecialText: Bool) throws {
        let start = monotonicSeconds()
        words = try WordCounts.count(corpus, split: split, skipping: skipSpecialText ? trainer.specialTokens : [])
        let counted = monotonicSeconds()
        tokenizer = try BPETokenizer(vocabulary: trainer.train(words), split: split)
        countingSeconds = counted - start
        mergingSeconds = monotonicSeconds() - counted
    }

    /// Writes `tokenizer.json` to `path` and `tokenizer_config.json` into the same folder.
    /// Returns the bytes written (both files), for the stage's counters.
    @discardableResult
    public func write(to path: String) throws -> Int64 {
        let json = TokenizerJSON.write(tokenizer), config = TokenizerJSON.writeConfig(tokenizer, specials: tokenizer.vocabulary.specials)
        try writeFileAtomically(path, json)
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        try writeFileAtomically(folder + "/tokenizer_config.json", config)
        return Int64(json.count + config.count)
    }
}
