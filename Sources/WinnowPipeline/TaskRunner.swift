import CLinux
import WinnowCore

/// Runs one task of one step in this process (`winnow task`), recording it — in the ledger, or
/// in a result file for the submitting side when it runs on a cluster (`writingResult`): an
/// attempt when it starts, its counters once its files are in place, or its error.
public enum TaskRunner {
    /// The exit code of a task that found an earlier phase's file damaged (`DamagedIntermediate`):
    /// retrying it is pointless until the executor has redone the task that wrote the file.
    public static let damagedIntermediateExitCode: Int32 = 75

    /// `writingResult`: the task runs on a cluster and its outcome goes to a result file
    /// (`Workdir.result`) for the submitter, not to the ledger. `expectedInputShards`: the
    /// count `world` was planned for before the step's inputs existed (queued on Slurm behind
    /// the steps it reads from); finding another count is an error, not a silently wrong split.
    /// `recorder` and `inputShards`: a worker's, which runs many tasks of the phase, records
    /// them in batches and lists the inputs once (nil: recorded in the ledger or a result
    /// file, and listed here).
    public static func run(pipeline: Pipeline, stepID: String, phase phaseNumber: Int = 0, rank: Int, world: Int,
                           writingResult: Bool = false, expectedInputShards: Int? = nil,
                           recorder: (any TaskRecorder)? = nil, inputShards: [String]? = nil,
                           memoryInUse: @escaping @Sendable () -> Int = { residentMemory() }) throws -> TaskStats {
        guard let step = pipeline.step(stepID) else {
            throw WinnowError.invalid("\(pipeline.path): no step '\(stepID)' (steps: \(pipeline.steps.map(\.id).joined(separator: ", ")))")
        }
        guard world >= 1, (0..<world).contains(rank) else {
            throw WinnowError.invalid("rank \(rank) is not within 0..<\(world)")
        }
        guard (0..<step.stage.phaseCount).contains(phaseNumber) else {
            throw WinnowError.invalid("step '\(stepID)' has \(step.stage.phaseCount) phase(s); there is no phase \(phaseNumber)")
        }
        let phase = StepPhase(step: stepID, phase: phaseNumber, phases: step.stage.phaseCount)
        let workdir = Workdir(pipeline.workdir)
        let recorder: any TaskRecorder = try recorder ?? (writingResult
            ? ResultFileRecorder(path: workdir.result(phase, rank: rank), step: phase.ledgerID, rank: rank, world: world)
            : LedgerRecorder(ledger: try Ledger(workdir: workdir.root), step: phase.ledgerID, rank: rank, world: world))
        let attempt = try recorder.start(log: workdir.log(phase, rank: rank))
        // A killed earlier attempt, maybe in another process, may have left temporaries since.
        if attempt > 1 { StaleTemporaries.forget() }
        let name = "step \(phase.ledgerID) task \(rank)/\(world)"
        do {
            let shards = try inputShards ?? StepInputs.shards(for: step, in: pipeline)
            if let expected = expectedInputShards, shards.count != expected {
                throw WinnowError.invalid("step '\(stepID)' was planned for \(expected) input shard(s) but finds \(shards.count): a step it reads from wrote another number of shards than it said it would; run winnow run again to plan the step anew")
            }
            let progressPath = workdir.progress(phase, rank: rank)
            let started = monotonicSeconds()
            var assignment = TaskAssignment(
                stepID: stepID, phase: phaseNumber, rank: rank, world: world, inputShards: shards,
                outputDirectory: pipeline.outputDirectory(stepID), rejectedDirectory: pipeline.rejectedDirectory(stepID),
                stepDirectory: workdir.stepDirectory(stepID),
                seed: taskSeed(pipelineSeed: pipeline.seed, step: phase.ledgerID, rank: rank),
                compressionLevel: pipeline.compressionLevel, maxDocBytes: pipeline.maxDocBytes,
                requestedTasks: step.tasks, memoryLimit: step.memoryLimit, memoryInUse: memoryInUse,
                progress: { progress in
                    // A task of a small shard ends before anyone looks: its ledger row says the rest.
                    if monotonicSeconds() - started >= ProgressFile.quietSeconds { try? ProgressFile.write(progress, to: progressPath) }
                })
            assignment.rows = pipeline.rows
            assignment.outputFormat = step.outputFormat
            try makeDirectories(assignment.outputDirectory)
            log("\(name)\(writingResult ? "" : " attempt \(attempt)"): \(assignment.shards.count) shard(s)")
            var stats = try step.stage.run(assignment)
            // Timed here for every stage, reading and writing included.
            stats.seconds = monotonicSeconds() - started
            stats.peakMemory = peakResidentMemory()
            try writeFileAtomically(workdir.stats(phase, rank: rank), Array((JSONWriter.string(stats.json) + "\n").utf8))
            try recorder.finish(attempt: attempt, stats: stats)
            log("\(name) done: \(stats.docsIn) in, \(stats.docsKept) kept, \(stats.docsRejected) rejected in \(String(format1: stats.seconds)) s")
            return stats
        } catch let damaged as DamagedIntermediate {
            // The file is not used again: its writer is redone before this phase runs again.
            unlink(damaged.path)
            let producer = StepPhase(step: stepID, phase: damaged.producer.phase, phases: step.stage.phaseCount)
            try? recorder.reopen(producer: producer.ledgerID, rank: damaged.producer.rank, reason: "\(damaged)")
            log("\(name) failed: \(damaged)")
            try? recorder.fail(attempt: attempt, exitCode: Int(damagedIntermediateExitCode), error: "\(damaged)")
            throw damaged
        } catch {
            log("\(name) failed: \(error)")
            try? recorder.fail(attempt: attempt, exitCode: 1, error: "\(error)")
            throw error
        }
    }

    /// When started by the local executor, die with it: a killed runner must not leave tasks
    /// writing into a workdir that the next run will use.
    public static func followParent() {
        guard let text = getenv("WINNOW_PARENT_PID"), let parent = Int32(String(cString: text)) else { return }
        _ = clinux_set_parent_death_signal(SIGKILL)
        if getppid() != parent { exit(1) }
    }

    static func log(_ message: String) {
        print(message)
        fflush(nil)
    }
}

extension String {
    /// A number with one decimal, without Foundation's formatter.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}

/// The small file through which a running task tells the runner how far it is.
enum ProgressFile {
    /// How long a task runs before it writes progress files.
    static let quietSeconds = 0.5

    static func write(_ progress: TaskProgress, to path: String) throws {
        let value = JSONValue.object(JSONObject([
            .init(key: "docs", value: JSONValue(progress.docs)),
            .init(key: "input_bytes_done", value: JSONValue(Int(progress.inputBytesDone))),
            .init(key: "input_bytes_total", value: JSONValue(Int(progress.inputBytesTotal))),
            .init(key: "bytes_read", value: JSONValue(Int(progress.bytesRead))),
        ]))
        try writeFileAtomically(path, Array(JSONWriter.string(value).utf8))
    }

    static func read(_ path: String) -> TaskProgress? {
        guard let bytes = try? readFile(path), case let .object(o)? = try? bytes.withUnsafeBytes({ try JSONValue.parse($0) }) else {
            return nil
        }
        func number(_ key: String) -> Int64 { Int64(o[key]?.doubleValue ?? 0) }
        return TaskProgress(docs: Int(number("docs")), inputBytesDone: number("input_bytes_done"),
                            inputBytesTotal: number("input_bytes_total"), bytesRead: number("bytes_read"))
    }
}
