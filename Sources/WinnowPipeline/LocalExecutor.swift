import WinnowCore

/// Runs a pipeline's steps on this machine: at most `workers` worker processes at a time, each
/// running the phase's tasks one after another (`TaskWorker`), step after step in dependency
/// order. Finished tasks (per the ledger) are
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
        var queue = Array((0..<world).filter { !done.contains($0) })[...]
        var attempts: [Int: Int] = [:]
        var active: [WorkerProcess] = []
        var failures: [TaskFailure] = []
        let workers = options.workers ?? pipeline.workers
        let tracker = StepProgress(phase: phase, world: world, alreadyDone: done, shards: shards, workdir: workdir)
        display.stepStarted(id, stage: step.stageName, world: world, skipped: done.count)
        defer {
            // Workers with tasks remain only when this throws: stop them, as a killed runner would.
            for worker in active where worker.hasWork { kill(worker.pid, SIGKILL) }
            active.forEach { $0.retire() }
        }
        var lastUpdate = monotonicSeconds()

        func hand(_ rank: Int, to worker: WorkerProcess) {
            attempts[rank, default: 0] += 1
            worker.assign(rank)
            tracker.started(rank)
        }

        /// A task's outcome: done, retried, or a failure of the step.
        func settle(_ rank: Int, exitCode: Int, describedEnd: String) throws {
            let record = try ledger.task(step: id, rank: rank)
            if exitCode == 0, record?.status == .done {
                tracker.finished(rank, stats: record?.stats)
                return
            }
            let reason = record?.error ?? (exitCode == 0 ? "exited without recording its result" : describedEnd + CrashReport.runnerNote(log: workdir.log(phase, rank: rank)))
            try ledger.failTask(step: id, rank: rank, attempt: nil, exitCode: exitCode == 0 ? 1 : exitCode, error: reason)
            tracker.stopped(rank)
            if exitCode != Int(TaskRunner.damagedIntermediateExitCode), attempts[rank, default: 0] <= pipeline.retries {
                display.note("step \(id) task \(rank) failed (\(reason)); retrying")
                queue.append(rank)
            } else {
                failures.append(TaskFailure(step: id, rank: rank, error: reason, log: workdir.log(phase, rank: rank)))
            }
        }

        while !queue.isEmpty || active.contains(where: \.hasWork) {
            // While many tasks wait, each worker is handed its next one before it finishes the
            // current one, so it can record its finished tasks together (`TaskWorker`); near the
            // end, one at a time, so no task waits behind another while a worker is free.
            let depth = queue.count > workers * 4 ? 2 : 1
            for worker in active where worker.assigned.count < depth {
                guard let rank = queue.popFirst() else { break }
                hand(rank, to: worker)
            }
            while active.count < workers, let rank = queue.popFirst() {
                let worker = try WorkerProcess(arguments: run.workerArguments(phase, world: world), logPath: workdir.log(phase, rank: rank),
                                               environment: ["WINNOW_PARENT_PID": String(getpid())])
                active.append(worker)
                hand(rank, to: worker)
            }
            // Woken by a worker's reply or end, not by a clock: a task that takes a millisecond
            // is followed by the next at once.
            for worker in WorkerProcess.wait(active.filter(\.hasWork), timeout: 0.2) {
                for event in worker.receive() {
                    switch event {
                    case let .recorded(rank, code):
                        try settle(rank, exitCode: Int(code), describedEnd: "exit code \(code)")
                    case let .lost(rank, running, status) where running:
                        try settle(rank, exitCode: exitStatus(status), describedEnd: describe(status))
                    case let .lost(rank, _, _):
                        // Waiting or done but not recorded when its worker ended: run it again,
                        // without counting that against its retries.
                        attempts[rank, default: 1] -= 1
                        tracker.stopped(rank)
                        queue.insert(rank, at: queue.startIndex)
                    }
                }
            }
            active.removeAll { $0.isEnded }
            if monotonicSeconds() - lastUpdate >= 0.2 {
                lastUpdate = monotonicSeconds()
                display.update(tracker.snapshot())
            }
        }
        display.stepFinished(tracker.snapshot(), failed: failures.count)
        if failures.isEmpty { try ledger.finishStep(id) }
        return failures
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
