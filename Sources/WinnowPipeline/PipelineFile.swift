import WinnowCore
import Yams

/// A pipeline definition file (YAML), validated: every key known, every step's `from` pointing
/// at `input` or an earlier-defined step, no cycles, every stage registered and its settings
/// decoded. Paths are taken relative to the directory winnow is run from.
public struct Pipeline: Sendable {
    public struct Step: Sendable {
        public var id: String
        public var stageName: String
        /// Where the step reads: `input` and/or other steps' ids (a `mix` may read several).
        public var from: [String]
        /// The `tasks:` setting, if given.
        public var tasks: Int?
        /// The `memory:` setting in bytes (what one task of the step may hold).
        public var memoryLimit: Int
        /// What its tasks ask a Slurm cluster for (the pipeline's `slurm:`, then the step's).
        public var slurm: SlurmOptions
        public var stage: any Stage
        /// What its `output/` and `rejected/` shards are written as (`output_format:`).
        public var outputFormat = ShardOutputFormat.jsonl
        /// `output: s3://bucket/prefix`: its shards go there and its rejected shards under
        /// `prefix/rejected/`, instead of the workdir's `output/` and `rejected/`.
        public var output: String?
        /// Changes whenever the step's settings or anything upstream changes.
        public var fingerprint: String
        public var line: Int

        /// The steps that must finish before this one starts: those it reads from and those
        /// whose outputs its stage uses otherwise (`Stage.stepsRead`).
        public var dependencies: [String] {
            var seen: Set<String> = []
            return (from.filter { $0 != "input" } + stage.stepsRead).filter { seen.insert($0).inserted }
        }
    }

    public var path: String
    public var name: String
    public var workdir: String
    public var seed: UInt64
    public var input: [String]
    /// The line of `input:`, for errors about what it matches.
    public var inputLine: Int?
    /// `local` or `slurm`.
    public var executor: String
    public var slurm: SlurmOptions
    public var workers: Int
    public var retries: Int
    public var compressionLevel: Int32
    public var maxDocBytes: Int
    /// How rows of Parquet input become documents (`text_key`, `id_key`, `columns`).
    public var rows: RowMapping
    /// In dependency order: every step comes after the step it reads from.
    public var steps: [Step]

    public func step(_ id: String) -> Step? { steps.first { $0.id == id } }

    /// Where step `id` writes its shards: its `output:` or the workdir's `id/output`.
    public func outputDirectory(_ id: String) -> String {
        step(id)?.output ?? Workdir(workdir).output(id)
    }

    /// Where step `id` writes its rejected shards: `rejected/` beside an `output:`'s shards, or
    /// the workdir's `id/rejected`.
    public func rejectedDirectory(_ id: String) -> String {
        step(id)?.output.map { "\($0)/rejected" } ?? Workdir(workdir).rejected(id)
    }

    /// Steps that read, directly or not, from `id` (including `id`), in dependency order.
    public func downstream(of id: String) -> [Step] {
        var affected: Set<String> = [id]
        for step in steps where step.dependencies.contains(where: affected.contains) { affected.insert(step.id) }
        return steps.filter { affected.contains($0.id) }
    }

    public static let topLevelKeys: Set<String> = [
        "name", "workdir", "seed", "input", "executor", "slurm", "workers", "retries", "compression_level",
        "max_doc_bytes", "text_key", "id_key", "columns", "steps",
    ]
    static let stepFrameworkKeys: Set<String> = Set(["id", "stage", "from", "tasks", "memory", "slurm", "output"]).union(OutputFormatSettings.keys)

    public static func load(path: String, registry: StageRegistry = .builtin) throws -> Pipeline {
        let bytes: [UInt8]
        do { bytes = try readFile(path) } catch {
            throw WinnowError.config(path: path, line: nil, detail: "cannot read the pipeline file: \(error)")
        }
        return try parse(yaml: String(decoding: bytes, as: UTF8.self), path: path, registry: registry)
    }

    public static func parse(yaml: String, path: String, registry: StageRegistry = .builtin) throws -> Pipeline {
        let root = try YAMLTree.parse(yaml, path: path)
        let top = try SettingsReader(root, owner: "pipeline")
        guard let name = try top.string("name") else { throw top.missing("name", "must be given") }
        let workdir = try top.string("workdir", default: "runs/\(name)")
        let seed = UInt64(try top.int("seed", default: 0))
        let input = try top.strings("input") ?? []
        let inputLine = top.node("input")?.line
        let executor = try top.choice("executor", ["local", "slurm"], default: "local")
        let slurm = try SlurmOptions(top.node("slurm"), owner: "pipeline", over: SlurmOptions())
        let workers = try top.int("workers", default: 2, in: 1...4096)
        let retries = try top.int("retries", default: 1, in: 0...100)
        let level = try top.int("compression_level", default: 3, in: -7...22)
        let maxDocBytes = try top.int("max_doc_bytes", default: 0)
        let rows = RowMapping(textKey: try top.string("text_key", default: "text"), idKey: try top.string("id_key", default: "id"),
                              columns: try top.strings("columns"))
        guard let stepsNode = top.node("steps"), case let .sequence(stepNodes) = stepsNode.value, !stepNodes.isEmpty else {
            throw top.error("steps", "must be a non-empty list of steps")
        }
        try top.finish()

        var parsed: [Step] = []
        var seenIDs: [String: Int] = [:]
        for node in stepNodes {
            let settings = try SettingsReader(node, owner: "step \(parsed.count + 1)", ignoring: stepFrameworkKeys)
            guard let id = settings.node("id")?.scalar, !id.isEmpty else {
                throw WinnowError.config(path: path, line: node.line, detail: "step \(parsed.count + 1): 'id' must be given")
            }
            guard id != "input", id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw settings.error("id", "must be letters, digits, '-' or '_' and not 'input'")
            }
            if let first = seenIDs[id] {
                throw settings.error("id", "'\(id)' is already used by the step on line \(first)")
            }
            seenIDs[id] = node.line
            let owner = "step '\(id)'"
            let stepSettings = try SettingsReader(node, owner: owner, ignoring: stepFrameworkKeys)
            guard let stageName = settings.node("stage")?.scalar else { throw stepSettings.error("stage", "must be given") }
            guard let factory = registry.factories[stageName] else {
                throw stepSettings.error("stage", "names an unknown stage '\(stageName)' (known stages: \(registry.names.joined(separator: ", ")))")
            }
            guard let fromNode = settings.node("from") else {
                throw stepSettings.error("from", "must be given: 'input' or the id of another step")
            }
            let from: [String]
            switch fromNode.value {
            case let .scalar(one): from = [one]
            case let .sequence(items) where !items.isEmpty && items.allSatisfy({ $0.scalar != nil }):
                from = items.compactMap(\.scalar)
            default: throw stepSettings.error("from", "must be 'input', a step id, or a list of them")
            }
            // A task is a process: a million is already more than any executor runs.
            let tasks = try stepSettings.int("tasks", in: 1...1_000_000)
            var memoryLimit = ByteSize.defaultMemoryLimit
            if let text = settings.node("memory")?.scalar {
                guard let bytes = ByteSize.parse(text), bytes >= ByteSize.minimumMemoryLimit else {
                    throw stepSettings.error("memory", "must be a size of at least 128MB, such as 512MB or 4GB (a task holds about 30MB before it reads anything)")
                }
                memoryLimit = bytes
            }
            var output: String?
            if let text = settings.node("output")?.scalar {
                guard case let .s3(bucket, key) = StoragePath(text), !bucket.isEmpty else {
                    throw stepSettings.error("output", "must be an s3://bucket/prefix address (without it, shards go to the workdir)")
                }
                output = "s3://\(bucket)" + (key.isEmpty ? "" : "/" + String(key.reversed().drop { $0 == "/" }.reversed()))
            }
            let stepSlurm = try SlurmOptions(settings.node("slurm"), owner: owner, over: slurm)
            let stage = try factory(stepSettings)
            try stepSettings.finish()
            let outputFormat = try OutputFormatSettings.read(stepSettings, stage: stage, stageName: stageName, zstdLevel: Int32(level))
            parsed.append(Step(id: id, stageName: stageName, from: from, tasks: tasks, memoryLimit: memoryLimit, slurm: stepSlurm, stage: stage,
                               outputFormat: outputFormat, output: output, fingerprint: YAMLTree.canonical(node, leavingOut: ["slurm"]), line: node.line))
        }
        if input.isEmpty, parsed.contains(where: { $0.from.contains("input") }) {
            throw WinnowError.config(path: path, line: root.line, detail: "pipeline: 'input' must be given (a step reads from it)")
        }
        let ordered = try order(parsed, path: path, input: input, seed: seed)
        return Pipeline(path: path, name: name, workdir: workdir, seed: seed, input: input, inputLine: inputLine, executor: executor, slurm: slurm,
                        workers: workers, retries: retries, compressionLevel: Int32(level), maxDocBytes: maxDocBytes,
                        rows: rows, steps: ordered)
    }

    /// Orders steps so each follows the steps it depends on; rejects unknown steps and cycles.
    /// Each step's fingerprint is extended with its upstream's, so a change upstream is a change here.
    private static func order(_ steps: [Step], path: String, input: [String], seed: UInt64) throws -> [Step] {
        let byID = Dictionary(uniqueKeysWithValues: steps.map { ($0.id, $0) })
        for step in steps {
            for source in step.from where source != "input" && byID[source] == nil {
                throw WinnowError.config(path: path, line: step.line,
                                         detail: "step '\(step.id)': 'from' names '\(source)', which is neither 'input' nor a step")
            }
            for used in step.stage.stepsRead where byID[used] == nil || used == step.id {
                throw WinnowError.config(path: path, line: step.line,
                                         detail: "step '\(step.id)': its settings name the step '\(used)', which is not another step of this pipeline")
            }
        }
        var ordered: [Step] = []
        var placed: [String: String] = [:] // id -> fingerprint
        var remaining = steps
        while !remaining.isEmpty {
            guard let index = remaining.firstIndex(where: { $0.dependencies.allSatisfy { placed[$0] != nil } }) else {
                let cycle = remaining.map(\.id).joined(separator: ", ")
                throw WinnowError.config(path: path, line: remaining[0].line,
                                         detail: "steps \(cycle) read from each other in a cycle")
            }
            var step = remaining.remove(at: index)
            // Steps read otherwise than by `from` come after, so the fingerprints of steps that
            // read none stay what they were.
            let upstream = (step.from.map { $0 == "input" ? "input=\(input.joined(separator: "\u{1}"))" : placed[$0]! }
                + step.stage.stepsRead.map { "read=\(placed[$0]!)" })
                .joined(separator: "\u{3}")
            step.fingerprint = StableHash.hex("\(seed)\u{2}\(upstream)\u{2}\(step.fingerprint)")
            placed[step.id] = step.fingerprint
            ordered.append(step)
        }
        return ordered
    }
}

/// Derives a task's seed from the pipeline seed, the step and the rank.
func taskSeed(pipelineSeed: UInt64, step: String, rank: Int) -> UInt64 {
    SplitMix64.finalize(pipelineSeed ^ StableHash.fnv1a(step) ^ (UInt64(rank) &* 0x9E37_79B9_7F4A_7C15))
}
