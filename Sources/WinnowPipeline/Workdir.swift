import WinnowCore

/// Where a run keeps what (docs/pipelines.md, "Workdir layout and ledger").
public struct Workdir: Sendable {
    public let root: String

    public init(_ root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    public func stepDirectory(_ step: String) -> String { "\(root)/\(step)" }
    public func output(_ step: String) -> String { "\(root)/\(step)/output" }
    public func rejected(_ step: String) -> String { "\(root)/\(step)/rejected" }
    public func stats(_ phase: StepPhase, rank: Int) -> String { "\(root)/\(phase.step)/stats/\(phase.fileStem(rank)).json" }
    public func log(_ phase: StepPhase, rank: Int) -> String { "\(root)/\(phase.step)/logs/\(phase.fileStem(rank)).log" }
    public func progress(_ phase: StepPhase, rank: Int) -> String { "\(root)/\(phase.step)/progress/\(phase.fileStem(rank)).json" }
    /// A cluster task's outcome, for the submitter to record (`TaskResult`).
    public func result(_ phase: StepPhase, rank: Int) -> String { "\(root)/\(phase.step)/results/\(phase.fileStem(rank)).json" }
    public var lockFile: String { "\(root)/.winnow.lock" }
    /// A copy of the pipeline file the last `winnow run` ran.
    public var pipelineCopy: String { "\(root)/pipeline.yaml" }
}

/// One phase of a step, and how it is named in the ledger and in file names: a one-phase step
/// is just its id; phase p of a several-phase step is `id#p` in the ledger, `p<p>-RANK` in files.
public struct StepPhase: Sendable, Equatable {
    public var step: String
    public var phase: Int
    public var phases: Int

    public init(step: String, phase: Int = 0, phases: Int = 1) {
        self.step = step
        self.phase = phase
        self.phases = phases
    }

    public var ledgerID: String { phases == 1 ? step : "\(step)#\(phase)" }
    public func fileStem(_ rank: Int) -> String { phases == 1 ? "\(rank)" : "p\(phase)-\(rank)" }
    public var isLast: Bool { phase == phases - 1 }

    /// Every phase of a step.
    public static func all(of step: String, phases: Int) -> [StepPhase] {
        (0..<phases).map { StepPhase(step: step, phase: $0, phases: phases) }
    }

    /// Reads a ledger id back.
    public init(ledgerID: String) {
        if let hash = ledgerID.lastIndex(of: "#"), let phase = Int(ledgerID[ledgerID.index(after: hash)...]) {
            self.init(step: String(ledgerID[..<hash]), phase: phase, phases: -1)
        } else {
            self.init(step: ledgerID)
        }
    }
}

/// The input shards of a step: the pipeline's `input` patterns, or the output of the step it
/// reads from.
public enum StepInputs {
    static let shardSuffixes = [".jsonl", ".jsonl.zst", ".jsonl.zstd", ".jsonl.gz", ".json", ".json.gz", ".json.zst", ".parquet",
                                 ".warc", ".warc.gz", ".warc.zst", ".wet", ".wet.gz", ".wet.zst"]

    public static func shards(for step: Pipeline.Step, in pipeline: Pipeline) throws -> [String] {
        var seen: Set<String> = []
        var shards: [String] = []
        for source in step.from {
            for shard in try sourceShards(source, in: pipeline) where seen.insert(shard).inserted { shards.append(shard) }
        }
        return shards.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The shards of one source: another step's output, or the pipeline's `input` patterns.
    static func sourceShards(_ source: String, in pipeline: Pipeline) throws -> [String] {
        if source != "input" {
            let directory = pipeline.outputDirectory(source)
            let suffix = pipeline.step(source)?.outputFormat.shardSuffix ?? ShardOutputFormat.jsonl.shardSuffix
            return try listEntries(directory).filter { $0.hasSuffix(suffix) }.map { "\(directory)/\($0)" }
        }
        var shards: [String] = []
        for pattern in pipeline.input {
            var matches = try expandPattern(pattern)
            if matches.count == 1, isDirectory(matches[0]) {
                let directory = matches[0]
                matches = listDirectory(directory).map { "\(directory)/\($0)" }.filter(isShardFile)
            } else if pattern.contains(where: { "*?[".contains($0) }) {
                // A wildcard may sweep up READMEs and checksums beside the shards; a file named
                // outright is read whatever its name.
                matches = matches.filter(isShardFile)
            }
            if matches.isEmpty {
                throw WinnowError.config(path: pipeline.path, line: pipeline.inputLine, detail: "input '\(pattern)' matches no shard")
            }
            shards.append(contentsOf: matches)
        }
        return shards
    }

    public static func isShardName(_ path: String) -> Bool {
        shardSuffixes.contains { path.hasSuffix($0) }
    }

    /// A file named like a shard; a folder named like one (`x.jsonl/`) is not a shard.
    public static func isShardFile(_ path: String) -> Bool {
        isShardName(path) && !isDirectory(path)
    }
}
