import Foundation
import WinnowCore
import WinnowPipeline

/// The repository root, found from this file's path, for the bundled samples and models.
let repoRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

let sampleShards = "\(repoRoot)/Samples/web/*.jsonl.zst"
let languageModel = "\(repoRoot)/Samples/models/lid.176.ftz"

/// Runs a pipeline's stages in this process, task by task, through the same `TaskRunner` the
/// `winnow task` command uses, so a stage is tested with its real planning, inputs, ledger rows
/// and files but without spawning processes or parsing a command line.
struct StageHarness {
    let pipeline: Pipeline
    let workdir: Workdir

    /// Writes `steps` (YAML, indented as list items under `steps:`) into a pipeline over the
    /// bundled samples in a fresh workdir.
    init(_ name: String, steps: String, maxDocBytes: Int? = nil, input: String = sampleShards) throws {
        let dir = NSTemporaryDirectory() + "winnow-stage-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let yaml = """
            name: \(name)
            workdir: \(dir)/run
            seed: 5
            input: [\(input)]
            \(maxDocBytes.map { "max_doc_bytes: \($0)" } ?? "")
            steps:
            \(steps)
            """
        let path = "\(dir)/pipeline.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        pipeline = try Pipeline.load(path: path)
        workdir = Workdir(pipeline.workdir)
        try makeDirectories(workdir.root)
    }

    /// Every task of every phase of `step`, in phase order; returns each phase's summed stats.
    @discardableResult
    func run(_ stepID: String) throws -> [TaskStats] {
        let step = pipeline.step(stepID)!
        let shards = try StepInputs.shards(for: step, in: pipeline)
        return try (0..<step.stage.phaseCount).map { try run(stepID, phase: $0, inputShards: shards.count) }
    }

    /// Every task of one phase of `step`; returns their summed stats.
    func run(_ stepID: String, phase: Int, inputShards: Int? = nil) throws -> TaskStats {
        let step = pipeline.step(stepID)!
        let shards = try inputShards ?? StepInputs.shards(for: step, in: pipeline).count
        let world = step.stage.taskCount(phase: phase, inputShards: shards, requested: step.tasks)
        var total = TaskStats()
        for rank in 0..<world {
            total.add(try TaskRunner.run(pipeline: pipeline, stepID: stepID, phase: phase, rank: rank, world: world,
                                         memoryInUse: { Self.taskProcessFootprint }))
        }
        return total
    }

    /// What a `winnow task` process holds before its stage allocates anything (the program, its
    /// libraries, ICU's data: about 25 MB measured, rounded up). The tests run tasks inside the
    /// test process, whose own resident memory grows with whatever other tests run beside them.
    static let taskProcessFootprint = 40 << 20

    /// Writes shards of raw lines (`input/s<k>.jsonl`) into a fresh folder; returns the input
    /// pattern for `init(_:steps:input:)`.
    static func writeShards(_ name: String, _ shards: [[String]]) throws -> String {
        let dir = NSTemporaryDirectory() + "winnow-input-\(name)-\(UUID().uuidString)"
        for (k, lines) in shards.enumerated() {
            try writeFileAtomically("\(dir)/s\(k).jsonl", Array(lines.map { $0 + "\n" }.joined().utf8))
        }
        return "\(dir)/*.jsonl"
    }

    func output(_ step: String) -> String { workdir.output(step) }
    func rejected(_ step: String) -> String { workdir.rejected(step) }

    /// The documents of every `.jsonl.zst` shard in a folder, in file order.
    func documents(in dir: String) throws -> [Document] {
        var docs: [Document] = []
        for name in listDirectory(dir) where name.hasSuffix(".jsonl.zst") {
            let reader = try ShardReader(path: "\(dir)/\(name)")
            while let record = try reader.next() {
                if case let .document(doc, _) = record { docs.append(doc) }
            }
        }
        return docs
    }

    /// A JSON file that holds one object (a report, a plan).
    func object(in path: String) throws -> JSONObject {
        let bytes = try readFile(path)
        guard case let .object(object) = try bytes.withUnsafeBytes({ try JSONValue.parse($0) }) else {
            throw WinnowError.invalid("\(path): not a JSON object")
        }
        return object
    }

    /// Every file under a folder with its bytes, for comparing two runs.
    func files(under dir: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in listDirectory(dir) {
            let path = "\(dir)/\(name)"
            if isDirectory(path) {
                for (inner, bytes) in try self.files(under: path) { files["\(name)/\(inner)"] = bytes }
            } else {
                files[name] = try readFile(path)
            }
        }
        return files
    }
}

extension TaskStats {
    /// The one invariant every phase that reads documents keeps.
    var addsUp: Bool { docsIn == docsKept + docsRejected + docsSkipped }
}
