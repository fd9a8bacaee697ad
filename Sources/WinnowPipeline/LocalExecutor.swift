import WinnowCore

/// Runs a pipeline's steps on this machine: each task is its own `winnow task` process, at most
/// `workers` at a time, step after step in dependency order. Finished tasks (per the ledger) are
/// skipped, so running again after a crash or a kill redoes only what was unfinished.
public final class LocalExecutor {
    let pipeline: Pipeline
    let options: ExecutionOptions
    let display: ProgressDisplay

    public init(pipeline: Pipeline, options: ExecutionOptions, display: ProgressDisplay) {
        self.pipeline = pipeline
        self.options = options
        self.display = display
    }

    /// Runs the pipeline; returns the tasks that failed (empty on success).
    public func run() throws -> [TaskFailure] {
        let run = try PipelineRun(pipeline: pipeline, options: options)
        for step in try run.steps() {
            let failures = try runStep(step, run)
            if !failures.isEmpty { return failures }
        }
        return []
    }

    private func runStep(_ step: Pipeline.Step, _ run: PipelineRun) throws -> [TaskFailure] {
        let shards = try run.inputs(of: step)
        let phases = StepPhase.all(of: step.id, phases: step.stage.phaseCount)
        var next = 0
        var redone = 0
        while next < phases.count {
            let world = step.stage.taskCount(phase: next, inputShards: shards.count, requested: step.tasks)
            let failures = try runPhase(phases[next], of: step, world: world, shards: shards, run)
            if failures.isEmpty {
                next += 1
                continue
            }
            // A task that found an earlier phase's file damaged reopened the task that wrote it:
            // go back and redo that, then this phase again.
            guard redone <= pipeline.retries, let earlier = try run.firstReopenedPhase(before: next, of: phases) else {
                return failures
            }
            redone += 1
            display.note("step \(phases[next].ledgerID): \(failures.count) task(s) found damaged files of \(phases[earlier].ledgerID); redoing what wrote them")
            next = earlier
        }
        return []
    }

    private func runPhase(_ phase: StepPhase, of step: Pipeline.Step, world: Int, shards: [String], _ run: PipelineRun) throws -> [TaskFailure] {
        let id = phase.ledgerID
        let ledger = run.ledger, workdir = run.workdir
        let done = try run.plan(phase, of: step, world: world)
        var queue = (0..<world).filter { !done.contains($0) }
        var attempts: [Int: Int] = [:]
        var running: [pid_t: Int] = [:]
        var failures: [TaskFailure] = []
        let workers = options.workers ?? pipeline.workers
        let tracker = StepProgress(phase: phase, world: world, alreadyDone: done, shards: shards, workdir: workdir)
        display.stepStarted(id, stage: step.stageName, world: world, skipped: done.count)

        while !queue.isEmpty || !running.isEmpty {
            while running.count < workers, !queue.isEmpty {
                let rank = queue.removeFirst()
                attempts[rank, default: 0] += 1
                let pid = try ChildProcess.spawn(
                    arguments: run.taskArguments(phase, rank: String(rank), world: world),
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
            let reason = record?.error ?? (exitCode == 0 ? "exited without recording its result"
                                                         : describe(status) + CrashReport.runnerNote(log: workdir.log(phase, rank: rank)))
            try ledger.failTask(step: id, rank: rank, attempt: nil, exitCode: exitCode == 0 ? 1 : exitCode, error: reason)
            tracker.stopped(rank)
            if exitCode != Int(TaskRunner.damagedIntermediateExitCode), attempts[rank, default: 0] <= pipeline.retries {
                display.note("step \(id) task \(rank) failed (\(reason)); retrying")
                queue.append(rank)
            } else {
                failures.append(TaskFailure(step: id, rank: rank, error: reason, log: workdir.log(phase, rank: rank)))
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
