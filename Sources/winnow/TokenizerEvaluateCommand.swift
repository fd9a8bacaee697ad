import ArgumentParser
import WinnowCore
import WinnowPipeline
import WinnowTokenizers

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
