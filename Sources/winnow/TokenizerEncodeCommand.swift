import ArgumentParser
import WinnowCore
import WinnowPipeline
import WinnowTokenizers

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

    @Flag(help: "Add the special tokens the tokenizer's post-processor adds (HF's add_special_tokens=True; tokenizer.json files).")
    var addSpecialTokens = false

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
            FileOutput.standardOutput(format(try reportingErrors { try tokenizer.encode(text, specials: specials, addSpecialTokens: addSpecialTokens) }, tokenizer))
            return
        }
        try reportingErrors {
            let batches = try TextCorpus(inputs: input, byteBudget: byteBudget).batches()
            var encoder = tokenizer.makeEncoder(specials: specials, addSpecialTokens: addSpecialTokens)
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
        guard let tokenizer = ((loaded as? PostProcessedTokenizer)?.base ?? loaded) as? SentencePieceTokenizer else {
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
