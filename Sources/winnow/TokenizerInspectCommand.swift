import ArgumentParser
import WinnowCore
import WinnowPipeline
import WinnowTokenizers

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
        let addsTokens = !tokenizer.postProcessing.prefix.isEmpty || !tokenizer.postProcessing.suffix.isEmpty
        for text in samples {
            out += "\n\(text.debugDescription)\n"
            for add in addsTokens ? [false, true] : [false] {
                let ids = try reportingErrors { try tokenizer.encode(Array(text.utf8), specials: .recognize, addSpecialTokens: add) }
                out += (addsTokens ? (add ? "  with special tokens:\n" : "  without special tokens:\n") : "")
                out += "  \(ids.count) tokens: " + ids.map { tokenizer.tokenString($0) }.joined(separator: " | ") + "\n  ids: " + ids.map(String.init).joined(separator: " ") + "\n"
            }
        }
        FileOutput.standardOutput(out)
    }
}
