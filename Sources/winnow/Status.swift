import ArgumentParser
import WinnowCore
import WinnowPipeline

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what ran in a workdir: tasks, documents kept and rejected (with reasons), throughput.")

    @Argument(help: "The run's workdir.")
    var workdir: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let report = try reportingErrors { try StatusReport(workdir: workdir) }
        FileOutput.standardOutput(json ? JSONWriter.string(report.json) + "\n" : report.text)
    }
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a JSONL shard or a folder of shards: counts, lengths, metadata keys, invalid lines.")

    @Argument(help: "A .jsonl, .jsonl.zst or .jsonl.gz file, or a folder of them.")
    var path: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Also print the first N documents.")
    var head = 0

    func run() throws {
        let inspection = try reportingErrors { try ShardInspection(path: path, headCount: head) }
        FileOutput.standardOutput(json ? JSONWriter.string(inspection.json) + "\n" : inspection.text)
        if !inspection.unreadable.isEmpty { throw ExitCode(1) }
    }
}
