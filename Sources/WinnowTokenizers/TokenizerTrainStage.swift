import WinnowCore

/// The `tokenizer-train` stage: one task reads all of the step's input shards (optionally a
/// byte budget of them, sampled by a metadata key such as `language` or `domain`), learns a
/// byte-level BPE vocabulary (`algorithm: bpe`) or a unigram one (`algorithm: unigram`,
/// sentencepiece's trainer, which also writes `tokenizer.model`) and writes `tokenizer.json`
/// and `tokenizer_config.json` into the step's output folder.
public struct TokenizerTrainStage: Stage {
    public static let name = "tokenizer-train"

    public var trainer: BPETrainer
    public var split: PreTokenizer
    /// Set for `algorithm: unigram` and for `pre_tokenizer: metaspace` (sentencepiece-style BPE);
    /// then `trainer` and `split` are unused.
    public var unigram: SentencePieceTrainer?
    public var byteBudget: Int64?
    /// Leave special-token text out of the word counts (see `WordCounts.count`).
    public var skipSpecialText = false
    /// Documents are kept with probability `weights[metadata[weightKey]] ?? defaultWeight`.
    public var weightKey: String?
    public var weights: [String: Double] = [:]
    public var defaultWeight = 1.0

    public init(settings: SettingsReader) throws {
        guard let vocabSize = try settings.int("vocab_size") else { throw settings.missing("vocab_size", "is required") }
        let algorithm = try settings.choice("algorithm", ["bpe", "unigram"], default: "bpe")
        let name = try settings.choice("pre_tokenizer", SplitPattern.names + ["metaspace"], default: "llama3")
        if algorithm == "unigram" || name == "metaspace" {
            var unigram = SentencePieceTrainer(vocabSize: vocabSize)
            unigram.algorithm = algorithm == "bpe" ? .bpe : .unigram
            unigram.removeExtraWhitespaces = try settings.bool("remove_extra_whitespaces", default: true)
            unigram.characterCoverage = try settings.double("character_coverage") ?? unigram.characterCoverage
            unigram.byteFallback = try settings.bool("byte_fallback", default: false)
            unigram.splitDigits = try settings.bool("split_digits", default: false)
            unigram.maxPieceLength = try settings.int("max_piece_length", default: unigram.maxPieceLength)
            unigram.userDefinedSymbols = try settings.strings("user_defined_symbols") ?? []
            unigram.controlSymbols = try settings.strings("control_symbols") ?? []
            let rules = try settings.choice("normalization", NormalizationRules.allCases.map(\.rawValue), default: unigram.normalization.rawValue)
            unigram.normalization = NormalizationRules(rawValue: rules)!
            unigram.addDummyPrefix = try settings.bool("add_dummy_prefix", default: true)
            if unigram.algorithm == .bpe, unigram.normalization != .identity || unigram.removeExtraWhitespaces {
                throw settings.error("pre_tokenizer", "metaspace (sentencepiece-style BPE) needs normalization: identity and "
                    + "remove_extra_whitespaces: false, the only such models tokenizer.json can hold (as Llama 2's)")
            }
            self.unigram = unigram
        }
        guard unigram != nil || vocabSize > 256 else { throw settings.error("vocab_size", "must exceed 256 (the byte alphabet)") }
        // `split_digits: true` adds HF's Digits pre-tokenizer (each digit its own piece).
        let pattern = SplitPattern(name: name) ?? .llama3
        split = try settings.bool("split_digits", default: false) && unigram == nil ? .digits(.native(pattern), individual: true) : .native(pattern)
        trainer = BPETrainer(vocabSize: vocabSize,
                             minFrequency: Int64(try settings.int("min_frequency", default: 0)),
                             specialTokens: try settings.strings("special_tokens") ?? ["<|endoftext|>"],
                             maxTokenLength: try settings.int("max_token_length"),
                             exactMaxTokenLength: try settings.bool("exact_max_token_length", default: false))
        byteBudget = try settings.int("byte_budget").map(Int64.init)
        skipSpecialText = try settings.bool("skip_special_text", default: false)
        weightKey = try settings.string("weight_key")
        defaultWeight = try settings.double("default_weight") ?? 1
        if let node = settings.node("weights") {
            guard case let .mapping(entries) = node.value else { throw settings.error("weights", "must map values of weight_key to weights") }
            for (key, value) in entries {
                guard let text = value.scalar, let weight = Double(text), (0...1).contains(weight) else {
                    throw settings.error("weights", "'\(key)' must be a weight between 0 and 1")
                }
                weights[key] = weight
            }
            if weightKey == nil { throw settings.error("weights", "needs weight_key (the metadata key the weights are for)") }
        }
        try settings.finish()
    }

    public func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int { 1 }
    /// Tokenizer files, not documents.
    public func outputShards(inputShards: Int) -> Int? { 0 }

    public func run(_ task: TaskAssignment) throws -> TaskStats {
        var corpus = try TextCorpus(inputs: task.inputShards, byteBudget: byteBudget, keep: samplingRule(seed: task.seed))
        corpus.task = task
        if let unigram {
            let (tokenizer, report) = try unigram.train(corpus)
            let written = try SentencePieceTraining.write(tokenizer, to: task.outputDirectory + "/tokenizer.json")
            var stats = report.reading
            stats.bytesOut = Int64(written.reduce(0) { $0 + $1.bytes })
            stats.made = ["tokens": Int64(tokenizer.vocabularySize), "seed pieces": Int64(report.seeds), "files": Int64(written.count)]
            return stats
        }
        let training = try BPETraining(corpus: corpus, split: split, trainer: trainer, skipSpecialText: skipSpecialText)
        let written = try training.write(to: task.outputDirectory + "/tokenizer.json")
        var stats = training.words.reading
        stats.bytesOut = written
        stats.made = ["tokens": Int64(training.tokenizer.vocabularySize),
                      "merges": Int64(training.tokenizer.vocabulary.merges.count), "files": 2]
        return stats
    }

    /// Keeps a document when a hash of the seed and its id falls under its weight: the same
    /// documents on every run.
    private func samplingRule(seed: UInt64) -> (@Sendable (Document) -> Bool)? {
        guard let key = weightKey else { return nil }
        let weights = weights, fallback = defaultWeight
        return { doc in
            let value = doc.metadata.value(atPath: key)?.stringValue ?? ""
            let weight = weights[value] ?? fallback
            if weight >= 1 { return true }
            return Double(StableHash.seed(seed, doc.id) >> 11) / Double(1 << 53) < weight
        }
    }
}

extension SplitPattern {
    /// The names users give patterns (`gpt4` is cl100k).
    public static let names = ["gpt2", "gpt4", "cl100k", "o200k", "llama3", "qwen2"]

    public init?(name: String) {
        if name == "gpt4" { self = .cl100k } else if let pattern = SplitPattern(rawValue: name) { self = pattern } else { return nil }
    }
}
