import ArgumentParser
import WinnowCore
import WinnowPipeline
import WinnowTokenizers

struct ExportTokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a tokenizer in another format: hf (tokenizer.json), sentencepiece (.model) or tiktoken, where the model allows it.")

    @OptionGroup var file: TokenizerPathArgument

    @Option(help: "hf (tokenizer.json), sentencepiece (.model) or tiktoken.")
    var format: Format

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case hf, tokenizerJSON = "tokenizer.json", sentencepiece, tiktoken
    }

    @Option(help: "The file to write.")
    var output: String

    func run() throws {
        let loaded = try file.load()
        let path = file.path
        try reportingErrors {
            let bytes: [UInt8]
            switch (format, loaded) {
            case (.hf, let tokenizer as BPETokenizer), (.tokenizerJSON, let tokenizer as BPETokenizer):
                bytes = TokenizerJSON.write(tokenizer)
            case (.hf, let tokenizer as SentencePieceTokenizer), (.tokenizerJSON, let tokenizer as SentencePieceTokenizer):
                bytes = try TokenizerExport.tokenizerJSON(tokenizer)
            case (.sentencepiece, let tokenizer as SentencePieceTokenizer):
                bytes = TokenizerExport.sentencePieceModel(tokenizer)
            case (.tiktoken, let tokenizer as BPETokenizer):
                try TiktokenFile.checkRanks(tokenizer.vocabulary)
                bytes = TiktokenFile.write(tokenizer.vocabulary)
                FileOutput.standardError("\(output): the split is the \(tokenizer.split.name) and the special tokens are "
                    + tokenizer.vocabulary.specials.map { "\($0.content)=\($0.id)" }.joined(separator: ",") + " (the format holds neither)\n")
            default:
                throw WinnowError.invalid("\(path): \(TokenizerExport.whyNot(loaded, format: format == .tokenizerJSON ? "hf" : format.rawValue))")
            }
            try writeFileAtomically(output, bytes)
        }
    }
}
