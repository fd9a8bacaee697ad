import ArgumentParser
import WinnowCore
import WinnowPipeline
import WinnowTokenizers

struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Train, inspect and run tokenizers (byte-level BPE: tokenizer.json, .tiktoken, vocab.json + merges.txt; sentencepiece .model).",
        subcommands: [TrainTokenizer.self, EncodeText.self, DecodeIDs.self, InspectTokenizer.self, EvaluateTokenizer.self,
                      ExportTokenizer.self])
}

/// How a tokenizer file is opened: .tiktoken files carry no pattern and no special tokens.
struct TokenizerFileOptions: ParsableArguments {
    @Option(help: "The tokenizer: tokenizer.json, a sentencepiece .model, a .tiktoken file, or vocab.json (merges.txt beside it).")
    var tokenizer: String

    @Option(help: "For .tiktoken files: the split pattern (\(SplitPattern.names.joined(separator: ", "))).")
    var pattern = "cl100k"

    @Option(help: "For .tiktoken files: special tokens as TEXT=ID, comma-separated.")
    var tiktokenSpecials = ""

    func load() throws -> any LoadedTokenizer {
        try reportingErrors {
            guard let split = SplitPattern(name: pattern) else {
                throw WinnowError.invalid("unknown pattern '\(pattern)' (known: \(SplitPattern.names.joined(separator: ", ")))")
            }
            var specials: [String: UInt32] = [:]
            for item in tiktokenSpecials.split(separator: ",") {
                guard let eq = item.lastIndex(of: "="), let id = UInt32(item[item.index(after: eq)...]) else {
                    throw WinnowError.invalid("--tiktoken-specials: '\(item)' is not TEXT=ID")
                }
                specials[String(item[..<eq])] = id
            }
            return try TokenizerFiles.load(path: tokenizer, pattern: split, specials: specials)
        }
    }
}

/// The tokenizer as the first argument (`inspect T`, `evaluate T`, `export T`).
struct TokenizerPathArgument: ParsableArguments {
    @Argument(help: "The tokenizer: tokenizer.json, a sentencepiece .model, a .tiktoken file, or vocab.json (merges.txt beside it).")
    var path: String

    @Option(help: "For .tiktoken files: the split pattern.")
    var pattern = "cl100k"

    @Option(help: "For .tiktoken files: special tokens as TEXT=ID, comma-separated.")
    var tiktokenSpecials = ""

    func load() throws -> any LoadedTokenizer {
        try TokenizerFileOptions.parse(["--tokenizer", path, "--pattern", pattern, "--tiktoken-specials", tiktokenSpecials]).load()
    }
}

struct TrainTokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn a byte-level BPE tokenizer (the merges HF tokenizers' BpeTrainer learns) or a unigram tokenizer (sentencepiece's trainer) from text files or JSONL shards.")

    @Option(help: "The algorithm: bpe (byte-level, HF tokenizers) or unigram (sentencepiece).")
    var algorithm = "bpe"

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
            if algorithm == "unigram" || (algorithm == "bpe" && preTokenizer == "metaspace") {
                try trainSentencePiece()
                return
            }
            guard algorithm == "bpe" else { throw WinnowError.invalid("--algorithm \(algorithm) is not supported (bpe, unigram)") }
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
        trainer.algorithm = algorithm == "bpe" ? .bpe : .unigram
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

struct EncodeText: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode standard input, or with --input each sequence of a corpus (one output line each); print ids or tokens.")

    @OptionGroup var file: TokenizerFileOptions

    @Option(parsing: .upToNextOption, help: "JSONL shards or text files: print one line per document (or text line) instead of reading standard input.")
    var input: [String] = []

    @Option(help: "With --input: read at most this many bytes of text.")
    var byteBudget: Int64?

    @Flag(help: "Print ids (the default) or tokens (in the vocabulary's own spelling).")
    var output: Output = .ids

    enum Output: EnumerableFlag { case ids, tokens }

    @Option(help: "Special-token text in the input: recognize, refuse or ordinary.")
    var specials: SpecialTokenPolicy = .refuse

    @Option(help: "Unigram models: print the N best segmentations of each text, best first, then an empty line.")
    var nbest: Int?

    @Option(help: "Unigram models: sample a segmentation (subword regularisation) with this alpha.")
    var sampleAlpha: Double?

    @Option(help: "With --sample-alpha: sample from the N best segmentations (-1: from all of them).")
    var sampleNbest = -1

    @Option(help: "With --sample-alpha: the random seed.")
    var seed: UInt64 = 0

    func run() throws {
        let tokenizer = try file.load()
        if nbest != nil || sampleAlpha != nil {
            try reportingErrors { try encodeAlternatives(tokenizer) }
            return
        }
        guard !input.isEmpty else {
            let text = try reportingErrors { try readFile("/dev/stdin") }
            FileOutput.standardOutput(format(try reportingErrors { try tokenizer.encode(text, specials: specials) }, tokenizer))
            return
        }
        try reportingErrors {
            let batches = try TextCorpus(inputs: input, byteBudget: byteBudget).batches()
            var encoder = tokenizer.makeEncoder(specials: specials)
            var ids: [UInt32] = []
            while let batch = try batches.next() {
                var out = ""
                try batch.bytes.withUnsafeBufferPointer { all in
                    for k in 0..<batch.count {
                        ids.removeAll(keepingCapacity: true)
                        try encoder.encode(UnsafeBufferPointer(rebasing: all[batch.range(k)]), into: &ids)
                        out += format(ids, tokenizer)
                    }
                }
                FileOutput.standardOutput(out)
            }
        }
    }

    /// --nbest and --sample-alpha: each text of standard input or of --input.
    private func encodeAlternatives(_ loaded: any LoadedTokenizer) throws {
        guard let tokenizer = loaded as? SentencePieceTokenizer else {
            throw WinnowError.invalid("\(file.tokenizer): --nbest and --sample-alpha need a unigram model (a sentencepiece .model or a Unigram tokenizer.json)")
        }
        var random = SplitMix64(seed: seed)
        func alternatives(_ text: [UInt8]) throws -> String {
            if let nbest {
                return try tokenizer.nBest(text, count: nbest).map { format($0.ids, tokenizer) }.joined() + "\n"
            }
            return format(try tokenizer.sample(text, nbestSize: sampleNbest, alpha: sampleAlpha ?? 0, using: &random), tokenizer)
        }
        guard !input.isEmpty else {
            FileOutput.standardOutput(try alternatives(try readFile("/dev/stdin")))
            return
        }
        let batches = try TextCorpus(inputs: input, byteBudget: byteBudget).batches()
        while let batch = try batches.next() {
            var out = ""
            for k in 0..<batch.count { out += try alternatives(Array(batch.bytes[batch.range(k)])) }
            FileOutput.standardOutput(out)
        }
    }

    private func format(_ ids: [UInt32], _ tokenizer: any LoadedTokenizer) -> String {
        switch output {
        case .ids: return ids.map(String.init).joined(separator: " ") + "\n"
        case .tokens: return ids.map { tokenizer.tokenString($0) }.joined(separator: " ") + "\n"
        }
    }
}

extension SpecialTokenPolicy: ExpressibleByArgument {}

struct DecodeIDs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode ids (whitespace-separated, on standard input) to the exact bytes on standard output.")

    @OptionGroup var file: TokenizerFileOptions

    func run() throws {
        let tokenizer = try file.load()
        let text = String(decoding: try reportingErrors { try readFile("/dev/stdin") }, as: UTF8.self)
        let bytes = try reportingErrors {
            let ids = try text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "," }).map { word in
                guard let id = UInt32(word) else { throw WinnowError.invalid("'\(word)' is not a token id") }
                return id
            }
            return try tokenizer.decode(ids)
        }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}

struct InspectTokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a tokenizer's type, vocabulary size, special tokens, pre-tokenizer and sample segmentations.")

    @OptionGroup var file: TokenizerPathArgument

    @Option(parsing: .singleValue, help: "A text to segment (repeatable; defaults to a few samples).")
    var sample: [String] = []

    func run() throws {
        let tokenizer = try file.load()
        var out = tokenizer.summary.joined(separator: "\n") + "\n"
        if let eos = tokenizer.endOfTextID { out += "end of text: \(eos)\n" }
        let samples = sample.isEmpty
            ? ["Hello world! It's 2026, isn't it?", "    def f(x):\n        return x ** 2\n", "Größere Übersetzungen für 東京 и Москва 😀"]
            : sample
        for text in samples {
            let ids = try reportingErrors { try tokenizer.encode(Array(text.utf8), specials: .recognize) }
            out += "\n\(text.debugDescription)\n  \(ids.count) tokens: " + ids.map { tokenizer.tokenString($0) }.joined(separator: " | ") + "\n  ids: " + ids.map(String.init).joined(separator: " ") + "\n"
        }
        FileOutput.standardOutput(out)
    }
}

struct EvaluateTokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Bytes per token and tokens per word per metadata.language (the fertility table) on a corpus, and encoding speed.")

    @OptionGroup var file: TokenizerPathArgument

    @Option(parsing: .upToNextOption, help: "JSONL shards or text files, folders or globs.")
    var input: [String]

    @Option(help: "Read at most this many bytes of text (the corpus is held in memory).")
    var byteBudget: Int64?

    @Option(help: "Encoding threads (default: all cores).")
    var threads: Int?

    @Flag(help: "Skip the word counts (speed only).")
    var noFertility = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let tokenizer = try file.load()
        let evaluation = try reportingErrors {
            try TokenizerEvaluation.run(tokenizer, corpus: try TextCorpus(inputs: input, byteBudget: byteBudget),
                                        threads: threads ?? availableCores, fertility: !noFertility)
        }
        FileOutput.standardOutput(json ? JSONWriter.string(evaluation.json) + "\n" : evaluation.text)
    }
}

struct ExportTokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a tokenizer in another format: hf (tokenizer.json), sentencepiece (.model) or tiktoken, where the model allows it.")

    @OptionGroup var file: TokenizerPathArgument

    @Option(help: "hf (tokenizer.json), sentencepiece (.model) or tiktoken.")
    var format: String

    @Option(help: "The file to write.")
    var output: String

    func run() throws {
        let loaded = try file.load()
        let path = file.path
        try reportingErrors {
            let bytes: [UInt8]
            switch (format, loaded) {
            case ("hf", let tokenizer as BPETokenizer), ("tokenizer.json", let tokenizer as BPETokenizer):
                bytes = TokenizerJSON.write(tokenizer)
            case ("hf", let tokenizer as SentencePieceTokenizer), ("tokenizer.json", let tokenizer as SentencePieceTokenizer):
                bytes = try TokenizerExport.tokenizerJSON(tokenizer)
            case ("sentencepiece", let tokenizer as SentencePieceTokenizer):
                bytes = TokenizerExport.sentencePieceModel(tokenizer)
            case ("tiktoken", let tokenizer as BPETokenizer):
                try TiktokenFile.checkRanks(tokenizer.vocabulary)
                bytes = TiktokenFile.write(tokenizer.vocabulary)
                FileOutput.standardError("\(output): the split is the \(tokenizer.split.name) and the special tokens are "
                    + tokenizer.vocabulary.specials.map { "\($0.content)=\($0.id)" }.joined(separator: ",") + " (the format holds neither)\n")
            case ("hf", _), ("tokenizer.json", _), ("sentencepiece", _), ("tiktoken", _):
                throw WinnowError.invalid("\(path): \(TokenizerExport.whyNot(loaded, format: format))")
            default:
                throw WinnowError.invalid("--format \(format) is not one of hf, sentencepiece, tiktoken")
            }
            try writeFileAtomically(output, bytes)
        }
    }
}
