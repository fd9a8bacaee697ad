import ArgumentParser
import WinnowCore
import WinnowDedup
import WinnowPack
import WinnowPipeline
import WinnowTokenizers

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
        abstract: "Summarise a JSONL shard or a folder of shards (counts, lengths, metadata keys, invalid lines), show a Parquet file's schema and row groups, or check a token shard (Megatron .idx/.bin, datatrove .ds, nanoGPT .bin).")

    @Argument(help: "A .jsonl, .jsonl.zst, .jsonl.gz or .parquet file, or a folder of them; or a token shard's .idx, .bin, .ds or .ds.index.")
    var path: String

    @Option(help: "Token shards: the tokenizer (tokenizer.json, …) to check ids and EOS against and to decode with.")
    var tokenizer: String?

    @Option(help: "Token shards: print document K decoded to text.")
    var doc: Int?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Also print the first N documents (with --rows: print only the first N rows).")
    var head = 0

    @Flag(help: "Parquet: print every row as one JSON object with every column (docs/formats/parquet.md has the type mapping).")
    var rows = false

    @Option(help: "With a dedup step's folder: list the members of this cluster (its id, SHARD:LINE, from minhash_cluster_id or a document's metadata).")
    var cluster: String?

    func run() throws {
        if let cluster {
            let inspection = try reportingErrors { try ClusterInspection(stepDirectory: path, cluster: cluster) }
            FileOutput.standardOutput(json ? JSONWriter.string(inspection.json) + "\n" : inspection.text)
            return
        }
        if !StepInputs.isShardName(path), !isDirectory(path), TokenShardFormat.recognize(path) != nil {
            let inspection = try reportingErrors {
                try TokenShardInspection(path: path, tokenizer: try tokenizer.map { try TokenizerFiles.load(path: $0) }, document: doc)
            }
            FileOutput.standardOutput(json ? JSONWriter.string(inspection.json) + "\n" : inspection.text)
            if !inspection.problems.isEmpty { throw ExitCode(1) }
            return
        }
        if rows {
            try reportingErrors { try printRows() }
            return
        }
        if !json, !isDirectory(path), (try? ShardFormat.detect(path: path)) == .parquet {
            FileOutput.standardOutput(try reportingErrors { try ParquetInspection.describe(path: path) })
        }
        let inspection = try reportingErrors { try ShardInspection(path: path, headCount: head) }
        FileOutput.standardOutput(json ? JSONWriter.string(inspection.json) + "\n" : inspection.text)
        if !inspection.unreadable.isEmpty { throw ExitCode(1) }
    }

    /// Streams a Parquet file's rows to standard output, one JSON object a line.
    private func printRows() throws {
        var out: [UInt8] = []
        try ParquetInspection.rows(path: path, head: head > 0 ? head : nil) { row in
            JSONWriter.append(.object(row), to: &out)
            out.append(0x0A)
            if out.count >= 1 << 20 {
                try out.withUnsafeBytes { try writeFully(1, $0, path: "standard output") }
                out.removeAll(keepingCapacity: true)
            }
        }
        try out.withUnsafeBytes { try writeFully(1, $0, path: "standard output") }
    }
}
