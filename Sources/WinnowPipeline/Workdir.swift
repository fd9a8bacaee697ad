import WinnowCore

/// Where a run keeps what (DESIGN.md, "On disk").
public struct Workdir: Sendable {
    public let root: String

    public init(_ root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    public func stepDirectory(_ step: String) -> String { "\(root)/\(step)" }
    public func output(_ step: String) -> String { "\(root)/\(step)/output" }
    public func rejected(_ step: String) -> String { "\(root)/\(step)/rejected" }
    public func stats(_ step: String, rank: Int) -> String { "\(root)/\(step)/stats/\(rank).json" }
    public func log(_ step: String, rank: Int) -> String { "\(root)/\(step)/logs/\(rank).log" }
    public func progress(_ step: String, rank: Int) -> String { "\(root)/\(step)/progress/\(rank).json" }
    public var lockFile: String { "\(root)/.winnow.lock" }
}

/// The input shards of a step: the pipeline's `input` patterns, or the output of the step it
/// reads from.
public enum StepInputs {
    static let shardSuffixes = [".jsonl", ".jsonl.zst", ".jsonl.zstd", ".jsonl.gz", ".json", ".json.gz", ".json.zst"]

    public static func shards(for step: Pipeline.Step, in pipeline: Pipeline) throws -> [String] {
        if step.from != "input" {
            let directory = Workdir(pipeline.workdir).output(step.from)
            return listDirectory(directory).filter { $0.hasSuffix(".jsonl.zst") }.map { "\(directory)/\($0)" }
        }
        var seen: Set<String> = []
        var shards: [String] = []
        for pattern in pipeline.input {
            var matches = expandGlob(pattern)
            if matches.count == 1, isDirectory(matches[0]) {
                let directory = matches[0]
                matches = listDirectory(directory).map { "\(directory)/\($0)" }.filter(isShardName)
            } else if pattern.contains(where: { "*?[".contains($0) }) {
                // A wildcard may sweep up READMEs and checksums beside the shards; a file named
                // outright is read whatever its name.
                matches = matches.filter(isShardName)
            }
            if matches.isEmpty {
                throw WinnowError.config(path: pipeline.path, line: nil, detail: "input '\(pattern)' matches no shard")
            }
            for match in matches where seen.insert(match).inserted { shards.append(match) }
        }
        return shards.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    static func isShardName(_ path: String) -> Bool {
        shardSuffixes.contains { path.hasSuffix($0) }
    }
}
