import ArgumentParser
import WinnowCore
import WinnowPipeline

@main
struct Winnow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winnow",
        abstract: "Prepare language-model pretraining data: filter, score, tag, dedup, mix, tokenize, pack.",
        subcommands: [Run.self, Task.self, Worker.self, Status.self, Report.self, Inspect.self, Classifier.self, PreSelect.self,
                      TokenizerCommand.self, Extract.self])
}

/// Library errors become one clear line on standard error and a non-zero exit.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as WinnowError {
        FileOutput.standardError("winnow: \(error)\n")
        throw ExitCode(2)
    }
}
