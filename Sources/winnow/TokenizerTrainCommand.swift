import ArgumentParser
import WinnowCore
import WinnowPipeline
import WinnowTokenizers

struct TrainTokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn a byte-level BPE tokenizer (the merges HF tokenizers' BpeTrainer learns) or a unigram tokenizer (sentencepiece's trainer) from text files or JSONL shards.")

    @Option(help: "The algorithm: bpe (byte-level, HF tokenizers) or unigram (sentencepiece).")
    var algorithm: Algorithm = .bpe

    enum Algorithm: String, CaseIterable, ExpressibleByArgument { case bpe, unigram }

    @Option(help: "Vocabulary size, special tokens and the 256 bytes included.")
    var vocabSize: Int

    @OptionGroup var unigram: SentencePieceOptions

    @Option(help: "Split pattern: \(SplitPattern.names.joined(separator: ", ")); or metaspace, for sentencepiece-style BPE (characters, ▁ for spaces, a .model).")
    var preTokenizer = "llama3"

    @Option(help: "Split with this regex instead (through ICU; several times slower than the native patterns).")
    var splitRegex: String?

    @Flag(help: "Then put every digit in a piece of its own (HF's Digits pre-tokenizer, individual digits).")
    var splitDigits = false

    @Option(help: "Pairs seen fewer times are not merged.")
    var minFrequency: Int64 = 0

    @Option(help: "Special tokens, comma-separated; they take ids 0, 1, … in this order.")
    var specialTokens = "<|endoftext|>"

    @Option(help: "Longest token in bytes, HF's way (tokens reach L-1 bytes; see --exact-max-token-length).")
    var maxTokenLength: Int?

    @Flag(help: "Let tokens reach --max-token-length bytes (HF stops one short).")
    var exactMaxTokenLength = false

    @Flag(help: "Do not count special-token text found in the training text (HF counts it as ordinary words, so merges such as '<|en' are learned).")
    var skipSpecialText = false

    @Option(help: "Read at most this many bytes of text.")
    var byteBudget: Int64?

    @Option(parsing: .upToNextOption, help: "Text files (one sequence per line), JSONL shards (the text field) or Parquet files (the text column), folders or globs.")
    var input: [String]

    @Option(help: "Where to write tokenizer.json (tokenizer_config.json is written beside it).")
    var output: String

    @Option(help: "Also write the vocabulary as a .tiktoken file here.")
    var tiktoken: String?

    func run() throws {
        try reportingErrors {
            if algorithm == .unigram || preTokenizer == "metaspace" {
                try trainSentencePiece()
                return
            }
            guard let pattern = SplitPattern(name: preTokenizer) else {
                throw WinnowError.invalid("unknown --pre-tokenizer '\(preTokenizer)' (known: \(SplitPattern.names.joined(separator: ", ")))")
            }
            guard vocabSize > 256 else { throw WinnowError.invalid("--vocab-size must exceed 256 (the byte alphabet)") }
            let corpus = try TextCorpus(inputs: input, byteBudget: byteBudget)
            let specials = specialTokens.split(separator: ",").map(String.init)
            let base = splitRegex.map { PreTokenizer(regex: $0) } ?? .native(pattern)
            let split = splitDigits ? .digits(base, individual: true) : base
            let trainer = BPETrainer(vocabSize: vocabSize, minFrequency: minFrequency,
                                     specialTokens: specials,
                                     maxTokenLength: maxTokenLength, exactMaxTokenLength: exactMaxTokenLength)
            let training = try BPETraining(corpus: corpus, split: split, trainer: trainer, skipSpecialText: skipSpecialText)
            try makeDirectories(parentOf: output)
            try training.write(to: output)
            let tokenizer = training.tokenizer, words = training.words
            if let tiktoken { try writeFileAtomically(tiktoken, TiktokenFile.write(tokenizer.vocabulary)) }
            let rejected = words.reading.docsRejected > 0 ? " (\(words.reading.docsRejected) lines rejected: not documents)" : ""
            FileOutput.standardError("""
                trained \(tokenizer.vocabularySize) tokens (\(tokenizer.vocabulary.merges.count) merges) from \(words.sequences) sequences\(rejected), \
                \(words.bytes) bytes, \(words.distinctWords) distinct words; counting \(seconds(training.countingSeconds)), \
                merging \(seconds(training.mergingSeconds))\n
                """)
        }
    }
}

extension TrainTokenizer {
    /// sentencepiece-style unigram training: writes a `.model`.
    func trainSentencePiece() throws {
        var trainer = SentencePieceTrainer(vocabSize: vocabSize)
        trainer.algorithm = algorithm == .bpe ? .bpe : .unigram
        try unigram.apply(to: &trainer)
        if trainer.algorithm == .bpe, output.hasSuffix(".json"), trainer.normalization != .identity || trainer.removeExtraWhitespaces {
            throw WinnowError.invalid("a sentencepiece-style BPE fits in tokenizer.json only with --normalization identity --keep-extra-whitespaces "
                + "(as Llama 2's); write a .model instead")
        }
        trainer.splitDigits = splitDigits
        if let maxTokenLength { trainer.maxPieceLength = maxTokenLength }
        let corpus = try TextCorpus(inputs: input, byteBudget: byteBudget)
        let start = monotonicSeconds()
        let (tokenizer, report) = try trainer.train(corpus) { FileOutput.standardError($0 + "\n") }
        try makeDirectories(parentOf: output)
        let written = try SentencePieceTraining.write(tokenizer, to: output)
        let skipped = report.skippedTooLong + report.skippedReserved > 0
            ? " (skipped: \(report.skippedTooLong) lines over \(trainer.maxSentenceLength) bytes, \(report.skippedReserved) holding U+2585)" : ""
        let seeds = trainer.algorithm == .unigram ? ", \(report.seeds) seed pieces" : ""
        FileOutput.standardError("trained \(tokenizer.vocabularySize) pieces from \(report.sentences) sentences\(skipped), "
            + "\(report.words) distinct words\(seeds) in \(seconds(monotonicSeconds() - start)); "
            + "wrote \(written.map(\.path).joined(separator: ", "))\n")
    }
}

/// The unigram trainer's options (sentencepiece's, in our spelling).
struct SentencePieceOptions: ParsableArguments {
    @Option(help: "Unigram: the share of characters the alphabet must cover; rarer characters are unknown (or bytes with --byte-fallback).")
    var characterCoverage = 0.9995

    @Flag(help: "Unigram: add the 256 <0xHH> byte pieces, so unknown characters encode as bytes.")
    var byteFallback = false

    @Option(help: "Unigram: pieces always matched whole, comma-separated (ids after the control symbols).")
    var userDefinedSymbols = ""

    @Option(help: "Unigram: control pieces (never produced from text), comma-separated.")
    var controlSymbols = ""

    @Option(help: "Unigram: character rules (nmt_nfkc, nfkc, identity).")
    var normalization = "nmt_nfkc"

    @Flag(help: "Unigram: do not put ▁ before the text (sentencepiece's add_dummy_prefix false).")
    var noDummyPrefix = false

    @Flag(help: "Unigram: keep leading, trailing and repeated spaces (sentencepiece's remove_extra_whitespaces false, as Llama 2).")
    var keepExtraWhitespaces = false

    @Option(name: .customLong("meta-ids"), help: "Unigram: ids of <unk>, <s>, </s> and <pad> (-1: none), comma-separated.")
    var metaIDs = "0,1,2,-1"

    @Option(help: "Unigram: size of the seed vocabulary.")
    var seedSize = 1_000_000

    @Option(help: "Unigram: training threads (default: all cores; the result does not depend on it).")
    var threads: Int?

    func apply(to trainer: inout SentencePieceTrainer) throws {
        trainer.characterCoverage = characterCoverage
        trainer.byteFallback = byteFallback
        trainer.userDefinedSymbols = userDefinedSymbols.split(separator: ",").map(String.init)
        trainer.controlSymbols = controlSymbols.split(separator: ",").map(String.init)
        guard let rules = NormalizationRules(rawValue: normalization) else {
            throw WinnowError.invalid("--normalization \(normalization) is not one of \(NormalizationRules.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        trainer.normalization = rules
        trainer.addDummyPrefix = !noDummyPrefix
        trainer.removeExtraWhitespaces = !keepExtraWhitespaces
        let ids = metaIDs.split(separator: ",").compactMap { Int($0) }
        guard ids.count == 4 else { throw WinnowError.invalid("--meta-ids needs four ids (<unk>,<s>,</s>,<pad>), found '\(metaIDs)'") }
        (trainer.unknownID, trainer.beginID, trainer.endID, trainer.padID) = (ids[0], ids[1], ids[2], ids[3])
        trainer.seedSize = seedSize
        if let threads { trainer.threads = threads }
    }
}

func seconds(_ s: Double) -> String { String(Double(Int(s * 1000)) / 1000) + " s" }
