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
