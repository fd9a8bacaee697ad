import WinnowCore

/// What every executor does the same way around running tasks: holding the workdir, redoing
/// steps from `--from`, choosing `--only`, checking that a step's sources finished and that a
/// phase's settings did not change under finished tasks, and finding a phase a later one sent
/// back (a damaged file's writer). Executors differ only in where task processes run.
public struct ExecutionOptions: Sendable {
    public var workers: Int?
    /// Run only this step (its upstream must be finished).
    public var only: String?
    /// Redo this step and everything downstream of it from scratch.
    public var from: String?
    /// The winnow binary each task runs as (`winnow task …`); nil: this process's own, which
    /// is what the CLI wants. Tests of the executors point it at the built CLI.
    public var executable: String?
    /// Slurm only: queue the work and return, leaving a follow-up job to record the results
    /// and queue what is left, instead of staying up to watch.
    public var detach: Bool

    public init(workers: Int? = nil, only: String? = nil, from: String? = nil, executable: String? = nil, detach: Bool = false) {
        self.workers = workers
        self.only = only
        self.from = from
        self.executable = executable
        self.detach = detach
    }
}

/// A task that failed after all its attempts.
public struct TaskFailure: Sendable {
    public var step: String
    public var rank: Int
    public var error: String
    public var log: String
}

final class PipelineRun {
    let pipeline: Pipeline
    let options: ExecutionOptions
    let workdir: Workdir
    let ledger: Ledger
    private let lock: WorkdirLock

    init(pipeline: Pipeline, options: ExecutionOptions) throws {
        self.pipeline = pipeline
        self.options = options
        workdir = Workdir(pipeline.workdir)
        // Everything that can refuse the run is checked before the workdir is touched, so a
        // refused run leaves nothing behind.
        if !pipeline.input.isEmpty { _ = try StepInputs.sourceShards("input", in: pipeline) }
        for id in [options.from, options.only].compactMap({ $0 }) where pipeline.step(id) == nil { throw Self.unknownStep(id, in: pipeline) }
        try makeDirectories(workdir.root)
        lock = try WorkdirLock(path: workdir.lockFile)
        ledger = try Ledger(workdir: workdir.root)
        try StorageCheck.run(pipeline)
        // The file as run, so the report (and a person) can see every planned step later.
        try writeFileAtomically(workdir.pipelineCopy, try readFile(pipeline.path))
    }

    deinit { lock.release() }

    var executable: String { options.executable ?? ChildProcess.selfExecutable }

    /// The steps to run, after forgetting and deleting what `--from` redoes.
    func steps() throws -> [Pipeline.Step] {
        if let from = options.from {
            guard pipeline.step(from) != nil else { throw Self.unknownStep(from, in: pipeline) }
            for step in pipeline.downstream(of: from) {
                for phase in StepPhase.all(of: step.id, phases: step.stage.phaseCount) { try ledger.forgetStep(phase.ledgerID) }
                try removeTree(workdir.stepDirectory(step.id))
                if let output = step.output { try removeTree(output) }
            }
        }
        if let only = options.only {
            guard let step = pipeline.step(only) else { throw Self.unknownStep(only, in: pipeline) }
            return [step]
        }
        return pipeline.steps
    }

    private static func unknownStep(_ id: String, in pipeline: Pipeline) -> WinnowError {
        .invalid("\(pipeline.path): no step '\(id)' (steps: \(pipeline.steps.map(\.id).joined(separator: ", ")))")
    }

    /// The step's input shards, once every step it depends on has finished.
    func inputs(of step: Pipeline.Step) throws -> [String] {
        for source in step.dependencies where !(try isFinished(source)) {
            throw WinnowError.invalid("step '\(step.id)' reads from '\(source)', which has not finished; run it first")
        }
        return try StepInputs.shards(for: step, in: pipeline)
    }

    /// Whether every phase of step `id` has finished.
    func isFinished(_ id: String) throws -> Bool {
        guard let step = pipeline.step(id) else { return false }
        let last = StepPhase(step: id, phase: step.stage.phaseCount - 1, phases: step.stage.phaseCount)
        return try ledger.step(last.ledgerID)?.finished != nil
    }

    /// How many input shards `step` will read, before the steps it depends on have run: the
    /// shards that exist (of `input` and finished steps) plus the counts `planned` for steps
    /// that will run first. Nil when a step it depends on has not finished and is not among
    /// `willRun`, or when one it reads shards from has no planned count.
    func plannedInputCount(of step: Pipeline.Step, willRun: Set<String>, planned: [String: Int]) throws -> Int? {
        var existing: Set<String> = []
        var count = 0
        for source in Set(step.from) {
            if source != "input", willRun.contains(source) {
                guard let shards = planned[source] else { return nil }
                count += shards
                continue
            }
            let readable = try source == "input" || isFinished(source)
            guard readable else { return nil }
            existing.formUnion(try StepInputs.sourceShards(source, in: pipeline))
        }
        for used in step.stage.stepsRead where !willRun.contains(used) {
            guard try isFinished(used) else { return nil }
        }
        return count + existing.count
    }

    /// Plans a phase in the ledger and returns the ranks already done; refuses when finished
    /// tasks ran with other settings or another task count.
    func plan(_ phase: StepPhase, of step: Pipeline.Step, world: Int) throws -> Set<Int> {
        let id = phase.ledgerID
        if let previous = try ledger.step(id), previous.fingerprint != step.fingerprint || previous.world != world {
            if try ledger.tasks(step: id).contains(where: { $0.status == .done }) {
                let what = previous.world != world ? "its task count changed (\(previous.world) → \(world))"
                                                   : "its settings or an earlier step changed"
                throw WinnowError.invalid("step '\(step.id)' has finished tasks but \(what) since; redo it with --from \(step.id)")
            }
        }
        try ledger.planStep(id, stage: step.stageName, world: world, fingerprint: step.fingerprint)
        return Set(try ledger.tasks(step: id).filter { $0.status == .done && $0.world == world }.map(\.rank))
    }

    /// The first phase before `index` with a task that is no longer done (reopened because a
    /// later phase found its file damaged).
    func firstReopenedPhase(before index: Int, of phases: [StepPhase]) throws -> Int? {
        try (0..<index).first { try ledger.tasks(step: phases[$0].ledgerID).contains { $0.status != .done } }
    }

    /// The command line of a local worker, which runs tasks of one phase (`TaskWorker`).
    func workerArguments(_ phase: StepPhase, world: Int) -> [String] {
        [executable, "worker", pipeline.path, "--step", phase.step, "--phase", String(phase.phase), "--world", String(world)]
    }

    /// The command line of one task.
    func taskArguments(_ phase: StepPhase, rank: String, world: Int) -> [String] {
        [executable, "task", pipeline.path, "--step", phase.step, "--phase", String(phase.phase), "--rank", rank, "--world", String(world)]
    }
}

/// An exclusive lock on a workdir, so two runners never write into the same run.
final class WorkdirLock {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw WinnowError.io(path: path, operation: "open", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw WinnowError.invalid("another winnow process is running in this workdir (lock \(path))")
        }
    }

    func release() { close(fd) }

    /// Whether another process holds the lock now.
    static func isHeld(path: String) -> Bool {
        guard let lock = try? WorkdirLock(path: path) else { return fileExists(path) }
        lock.release()
        return false
    }
}

/// Deletes a directory tree (used by --from to redo steps from scratch); an `s3://` prefix
/// loses its objects and unfinished uploads.
func removeTree(_ path: String) throws {
    if case let .s3(bucket, key) = StoragePath(path) { return try ObjectStore.removeAll(bucket: bucket, prefix: key.isEmpty ? "" : key + "/") }
    guard isDirectory(path) else {
        if unlink(path) != 0 && errno != ENOENT { throw WinnowError.io(path: path, operation: "unlink", errno: errno) }
        return
    }
    for name in listDirectory(path) { try removeTree("\(path)/\(name)") }
    if rmdir(path) != 0 { throw WinnowError.io(path: path, operation: "rmdir", errno: errno) }
}
