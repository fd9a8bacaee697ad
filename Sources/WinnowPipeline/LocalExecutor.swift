import WinnowCore

/// Runs a pipeline's steps on this machine: each task is its own `winnow task` process, at most
/// `workers` at a time, step after step in dependency order. Finished tasks (per the ledger) are
/// skipped, so running again after a crash or a kill redoes only what was unfinished.
public final class LocalExecutor {
    public struct Options: Sendable {
        public var workers: Int?
        /// Run only this step (its upstream must be finished).
        public var only: String?
        /// Redo this step and everything downstream of it from scratch.
        public var from: String?
        /// The winnow binary each task runs as (`winnow task …`); nil: this process's own, which
        /// is what the CLI wants. Tests of the executor point it at the built CLI.
        public var executable: String?
        public init(workers: Int? = nil, only: String? = nil, from: String? = nil, executable: String? = nil) {
            self.workers = workers
            self.only = only
            self.from = from
            self.executable = executable
        }
    }

    /// A task that failed after all its attempts.
    public struct Failure: Sendable {
        public var step: String
        public var rank: Int
        public var error: String
        public var log: String
    }

    let pipeline: Pipeline
    let options: Options
    let workdir: Workdir
    let display: ProgressDisplay

    public init(pipeline: Pipeline, options: Options, display: ProgressDisplay) {
        self.pipeline = pipeline
        self.options = options
        workdir = Workdir(pipeline.workdir)
        self.display = display
    }

    /// Runs the pipeline; returns the tasks that failed (empty on success).
    public func run() throws -> [Failure] {
        try makeDirectories(workdir.root)
        let lock = try WorkdirLock(path: workdir.lockFile)
        defer { lock.release() }
        let ledger = try Ledger(workdir: workdir.root)

        var steps = pipeline.steps
        if let from = options.from {
            guard pipeline.step(from) != nil else { throw unknownStep(from) }
            for step in pipeline.downstream(of: from) {
                for phase in StepPhase.all(of: step.id, phases: step.stage.phaseCount) { try ledger.forgetStep(phase.ledgerID) }
                try removeTree(workdir.stepDirectory(step.id))
            }
        }
        if let only = options.only {
            guard let step = pipeline.step(only) else { throw unknownStep(only) }
            steps = [step]
        }
        for step in steps {
            let failures = try runStep(step, ledger: ledger)
            if !failures.isEmpty { return failures }
        }
        return []
    }

    private func unknownStep(_ id: String) -> WinnowError {
        .invalid("\(pipeline.path): no step '\(id)' (steps: \(pipeline.steps.map(\.id).joined(separator: ", ")))")
    }

    private func runStep(_ step: Pipeline.Step, ledger: Ledger) throws -> [Failure] {
        for source in step.from.compactMap(pipeline.step) {
            let last = StepPhase(step: source.id, phase: source.stage.phaseCount - 1, phases: source.stage.phaseCount)
            guard let upstream = try ledger.step(last.ledgerID), upstream.finished != nil else {
                throw WinnowError.invalid("step '\(step.id)' reads from '\(source.id)', which has not finished; run it first")
            }
        }
        let shards = try StepInputs.shards(for: step, in: pipeline)
        let phases = StepPhase.all(of: step.id, phases: step.stage.phaseCount)
        var next = 0
        var redone = 0
        while next < phases.count {
            let world = step.stage.taskCount(phase: next, inputShards: shards.count, requested: step.tasks)
            let failures = try runPhase(phases[next], of: step, world: world, shards: shards, ledger: ledger)
            if failures.isEmpty {
                next += 1
                continue
            }
            // A task that found an earlier phase's file damaged reopened the task that wrote it:
            // go back and redo that, then this phase again.
            guard redone <= pipeline.retries, let earlier = try firstReopenedPhase(before: next, of: phases, ledger: ledger) else {
                return failures
            }
            redone += 1
            display.note("step \(phases[next].ledgerID): \(failures.count) task(s) found damaged files of \(phases[earlier].ledgerID); redoing what wrote them")
            next = earlier
        }
        return []
    }

    /// The first phase before `index` with a task that is no longer done.
    private func firstReopenedPhase(before index: Int, of phases: [StepPhase], ledger: Ledger) throws -> Int? {
        try (0..<index).first { try ledger.tasks(step: phases[$0].ledgerID).contains { $0.status != .done } }
    }

    private func runPhase(_ phase: StepPhase, of step: Pipeline.Step, world: Int, shards: [String], ledger: Ledger) throws -> [Failure] {
        let id = phase.ledgerID
        if let previous = try ledger.step(id), previous.fingerprint != step.fingerprint || previous.world != world {
            let finished = try ledger.tasks(step: id).contains { $0.status == .done }
            if finished {
                let what = previous.world != world ? "its task count changed (\(previous.world) → \(world))"
                                                   : "its settings or an earlier step changed"
                throw WinnowError.invalid("step '\(step.id)' has finished tasks but \(what) since; redo it with --from \(step.id)")
            }
        }
        try ledger.planStep(id, stage: step.stageName, world: world, fingerprint: step.fingerprint)
        let done = Set(try ledger.tasks(step: id).filter { $0.status == .done && $0.world == world }.map(\.rank))
        var queue = (0..<world).filter { !done.contains($0) }
        var attempts: [Int: Int] = [:]
        var running: [pid_t: Int] = [:]
        var failures: [Failure] = []
        let workers = options.workers ?? pipeline.workers
        let tracker = StepProgress(phase: phase, world: world, alreadyDone: done, shards: shards, workdir: workdir)
        display.stepStarted(id, stage: step.stageName, world: world, skipped: done.count)

        while !queue.isEmpty || !running.isEmpty {
            while running.count < workers, !queue.isEmpty {
                let rank = queue.removeFirst()
                attempts[rank, default: 0] += 1
                let pid = try ChildProcess.spawn(
                    arguments: [options.executable ?? ChildProcess.selfExecutable, "task", pipeline.path, "--step", step.id,
                                "--phase", String(phase.phase), "--rank", String(rank), "--world", String(world)],
                    logPath: workdir.log(phase, rank: rank),
                    environment: ["WINNOW_PARENT_PID": String(getpid())])
                running[pid] = rank
                tracker.started(rank)
            }
            guard let (pid, status) = reapOne(of: running.keys) else {
                display.update(tracker.snapshot())
                usleep(100_000)
                continue
            }
            let rank = running.removeValue(forKey: pid)!
            let exitCode = exitStatus(status)
            let record = try ledger.tasks(step: id).first { $0.rank == rank }
            if exitCode == 0, record?.status == .done {
                tracker.finished(rank, stats: record?.stats)
                continue
            }
            let reason = record?.error ?? (exitCode == 0 ? "exited without recording its result" : describe(status))
            try ledger.failTask(step: id, rank: rank, attempt: nil, exitCode: exitCode == 0 ? 1 : exitCode, error: reason)
            tracker.stopped(rank)
            if exitCode != Int(TaskRunner.damagedIntermediateExitCode), attempts[rank, default: 0] <= pipeline.retries {
                display.note("step \(id) task \(rank) failed (\(reason)); retrying")
                queue.append(rank)
            } else {
                failures.append(Failure(step: id, rank: rank, error: reason, log: workdir.log(phase, rank: rank)))
            }
        }
        display.stepFinished(tracker.snapshot(), failed: failures.count)
        if failures.isEmpty { try ledger.finishStep(id) }
        return failures
    }

    /// A child of ours that has exited, and its status, if any has. Only our own task processes
    /// are waited for, by pid: `waitpid(-1)` would also reap children that other code in this
    /// process is waiting for (another executor, Foundation's `Process`), which then wait forever.
    private func reapOne(of pids: Dictionary<pid_t, Int>.Keys) -> (pid_t, Int32)? {
        for pid in pids {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return (pid, status) }
        }
        return nil
    }

    private func exitStatus(_ status: Int32) -> Int {
        let signal = status & 0x7F
        return signal == 0 ? Int((status >> 8) & 0xFF) : 128 + Int(signal)
    }

    private func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        return signal == 0 ? "exit code \((status >> 8) & 0xFF)" : "killed by signal \(signal)"
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
}

/// Deletes a directory tree (used by --from to redo steps from scratch).
func removeTree(_ path: String) throws {
    guard isDirectory(path) else {
        if unlink(path) != 0 && errno != ENOENT { throw WinnowError.io(path: path, operation: "unlink", errno: errno) }
        return
    }
    for name in listDirectory(path) { try removeTree("\(path)/\(name)") }
    if rmdir(path) != 0 { throw WinnowError.io(path: path, operation: "rmdir", errno: errno) }
}
