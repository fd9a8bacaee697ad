import WinnowCore

/// Steps whose phases are queued together, until every task is done or one failed for good.
final class StepsOnSlurm {
    enum Outcome {
        case done
        case failed([TaskFailure])
        /// Detached: these jobs are queued, and nobody watches them.
        case queued([String])
    }

    /// One phase of a step: its job arrays, submitted together each time.
    struct QueuedPhase {
        var step: Pipeline.Step
        var phase: StepPhase
        var world: Int
        var inputShards: Int
        /// The phases (indices) whose jobs this one waits for: the phase before it, or for a
        /// first phase the last phases of the steps it depends on.
        var after: [Int]
    }

    let pipelineRun: PipelineRun
    let slurm: SlurmClient
    let display: ProgressDisplay
    let pollInterval: UInt32
    let phases: [QueuedPhase]

    init(_ steps: [(step: Pipeline.Step, inputShards: Int)], run: PipelineRun, slurm: SlurmClient, display: ProgressDisplay,
         pollInterval: UInt32) {
        pipelineRun = run
        self.slurm = slurm
        self.display = display
        self.pollInterval = pollInterval
        phases = Self.queue(steps)
    }

    /// Every phase of `steps`, in order, with its task count and what it waits for.
    static func queue(_ steps: [(step: Pipeline.Step, inputShards: Int)]) -> [QueuedPhase] {
        var phases: [QueuedPhase] = []
        var lastPhase: [String: Int] = [:]
        for (step, shards) in steps {
            for phase in StepPhase.all(of: step.id, phases: step.stage.phaseCount) {
                let after = phase.phase > 0 ? [phases.count - 1] : step.dependencies.compactMap { lastPhase[$0] }
                let world = step.stage.taskCount(phase: phase.phase, inputShards: shards, requested: step.tasks)
                phases.append(QueuedPhase(step: step, phase: phase, world: world, inputShards: shards, after: after))
            }
            lastPhase[step.id] = phases.count - 1
        }
        return phases
    }

    private var ledger: Ledger { pipelineRun.ledger }
    private var prefix: String { SlurmExecutor.jobPrefix(pipelineRun.workdir) }
    private func jobName(_ phase: StepPhase) -> String { prefix + phase.ledgerID }
    private var names: String { Array(Set(phases.map(\.step.id))).sorted().joined(separator: ", ") }

    func run(detached: Bool) throws -> Outcome {
        var rounds = 0
        while true {
            // Jobs an earlier `winnow run` submitted and that are still queued are waited for,
            // not submitted again; those that ended while nobody watched are settled.
            let queued = try ownJobsInQueue()
            if detached, !queued.isEmpty { return .queued(queued) }
            try watch(queued)
            try ingestAll()
            try settleLost(try phases.flatMap { try ledger.jobs(step: $0.phase.ledgerID).map(\.job) })
            var undone: [Int: [Int]] = [:]
            var failures: [TaskFailure] = []
            for (k, queued) in phases.enumerated() {
                let done = try pipelineRun.plan(queued.phase, of: queued.step, world: queued.world)
                let tasks = Dictionary(uniqueKeysWithValues: try ledger.tasks(step: queued.phase.ledgerID).map { ($0.rank, $0) })
                let left = (0..<queued.world).filter { !done.contains($0) }
                if !left.isEmpty { undone[k] = left }
                for rank in left {
                    guard let task = tasks[rank], task.status == .failed, task.attempts > pipelineRun.pipeline.retries,
                          task.exitCode != Int(TaskRunner.damagedIntermediateExitCode) else { continue }
                    failures.append(TaskFailure(step: queued.phase.ledgerID, rank: rank, error: task.error ?? "failed",
                                                log: pipelineRun.workdir.log(queued.phase, rank: rank)))
                }
            }
            guard !undone.isEmpty else {
                for queued in phases { try ledger.finishStep(queued.phase.ledgerID) }
                return .done
            }
            if !failures.isEmpty { return .failed(failures) }
            rounds += 1
            guard rounds <= (pipelineRun.pipeline.retries + 2) * phases.count else {
                throw WinnowError.invalid("steps \(names): tasks keep ending unfinished after \(rounds - 1) submissions; see the logs in \(pipelineRun.workdir.root)/<step>/logs")
            }
            let jobs = try submit(undone)
            if detached { return .queued(jobs) }
            try watch(jobs)
        }
    }

    /// Submits the unfinished ranks of every phase, each phase's arrays waiting for the arrays
    /// of this submission it depends on (through phases with nothing left to do); returns the
    /// jobs.
    private func submit(_ undone: [Int: [Int]]) throws -> [String] {
        var jobsOf: [Int: [String]] = [:]
        /// The jobs of this submission that phase `k` must wait for.
        func waitsFor(_ k: Int) -> [String] {
            var jobs: [String] = []
            for before in phases[k].after { jobs += jobsOf[before] ?? waitsFor(before) }
            return Array(Set(jobs)).sorted()
        }
        for (k, queued) in phases.enumerated() {
            guard let ranks = undone[k] else { continue }
            let phase = queued.phase
            let logs = "\(pipelineRun.workdir.stepDirectory(phase.step))/logs"
            try makeDirectories(logs)
            let stem = phase.phases == 1 ? "" : "p\(phase.phase)-"
            let script = try writeScript(queued, logPrefix: "\(logs)/\(stem)")
            let after = waitsFor(k)
            let limit = min(queued.step.slurm.maxArraySize ?? slurm.maxArraySize, slurm.maxArraySize)
            var jobs: [String] = []
            for array in Self.arrays(ranks, limit: limit) {
                // Slurm's %a is the array index: in the first array it is the rank, so Slurm
                // writes the rank's log as a local run names it. Later arrays start at an
                // offset; their tasks write the rank's log themselves (the script), and
                // Slurm's own messages go beside it.
                let output = array.offset == 0 ? "\(logs)/\(stem)%a.log" : "\(logs)/\(stem)slurm-%A_%a.log"
                let job = try slurm.submit(script: script, ranks: array.ranks.map { $0 - array.offset }, name: jobName(phase),
                                           output: output, after: after, scriptArguments: [String(array.offset)],
                                           arguments: queued.step.slurm.arguments(memory: queued.step.memoryLimit), workingDirectory: currentDirectory())
                try ledger.recordJob(job, step: phase.ledgerID, ranks: array.ranks)
                jobs.append(job)
            }
            let waiting = after.isEmpty ? "" : ", after job\(after.count == 1 ? "" : "s") \(Self.spans(after))"
            display.note("step \(phase.ledgerID): submitted job\(jobs.count == 1 ? "" : "s") \(Self.spans(jobs)) (\(ranks.count) task(s)\(waiting))")
            jobsOf[k] = jobs
        }
        return jobsOf.values.flatMap { $0 }
    }

    /// Splits ranks into job arrays whose indices (rank - offset) stay below `limit`: the first
    /// takes every rank below the limit at offset 0, each later one starts at its first rank.
    static func arrays(_ ranks: [Int], limit: Int) -> [(offset: Int, ranks: [Int])] {
        var arrays: [(offset: Int, ranks: [Int])] = []
        for rank in ranks.sorted() {
            if let last = arrays.last, rank - last.offset < limit {
                arrays[arrays.count - 1].ranks.append(rank)
            } else {
                arrays.append((rank < limit ? 0 : rank, [rank]))
            }
        }
        return arrays
    }

    /// The batch script of a phase: one array task is `winnow task` for its rank.
    private func writeScript(_ queued: QueuedPhase, logPrefix: String) throws -> String {
        let phase = queued.phase
        let path = "\(pipelineRun.workdir.root)/slurm/\(phase.ledgerID.split(separator: "#").joined(separator: "-p")).sh"
        let command = pipelineRun.taskArguments(phase, rank: SlurmScript.rank, world: queued.world)
            + ["--results", "--input-shards", String(queued.inputShards)]
        return try SlurmScript.write(path, command: command,
                                     comment: "Written by winnow run (executor: slurm): each array task runs task RANK of \(phase.ledgerID).",
                                     arrayLogPrefix: logPrefix)
    }

    /// This workdir's jobs of these steps still in the queue.
    private func ownJobsInQueue() throws -> [String] {
        let names = Set(phases.map { jobName($0.phase) })
        return Array(Set(try slurm.queue(namesStartingWith: prefix).filter { names.contains($0.name) }.map(\.job)))
    }

    /// Polls until `jobs` have left the queue, recording results as they appear. A job whose
    /// dependency failed is removed by Slurm itself (`--kill-on-invalid-dep=yes`).
    private func watch(_ jobs: [String]) throws {
        guard !jobs.isEmpty else { return }
        var lastLine = ""
        while true {
            try ingestAll()
            let queue = try slurm.queue(namesStartingWith: prefix).filter { jobs.contains($0.job) }
            if queue.isEmpty { break }
            let line = SlurmClient.states(of: queue)
            if line != lastLine {
                display.note("step\(names.contains(",") ? "s" : "") \(names): jobs \(Self.spans(jobs)): \(line)")
                lastLine = line
            }
            sleep(pollInterval)
        }
        try ingestAll()
        try settleLost(jobs)
    }

    /// Job ids in order, consecutive ones as a span: "356-369, 371".
    static func spans(_ jobs: [String]) -> String {
        var spans: [(first: Int, last: Int)] = []
        for job in jobs.compactMap({ Int($0) }).sorted() {
            if let last = spans.last?.last, job == last + 1 { spans[spans.count - 1].last = job } else { spans.append((job, job)) }
        }
        return spans.map { $0.first == $0.last ? "\($0.first)" : "\($0.first)-\($0.last)" }.joined(separator: ", ")
    }

    /// Records every result file of these phases that belongs to one of their jobs.
    private func ingestAll() throws {
        for queued in phases {
            let phase = queued.phase
            let jobs = Set(try ledger.jobs(step: phase.ledgerID).map(\.job))
            guard !jobs.isEmpty else { continue }
            let tasks = Dictionary(uniqueKeysWithValues: try ledger.tasks(step: phase.ledgerID).map { ($0.rank, $0) })
            for rank in 0..<queued.world {
                guard let result = TaskResult.read(pipelineRun.workdir.result(phase, rank: rank)), jobs.contains(result.job),
                      result.world == queued.world, tasks[rank]?.status != .done else { continue }
                try record(result, phase: phase, task: tasks[rank])
            }
        }
    }

    private func record(_ result: TaskResult, phase: StepPhase, task: Ledger.TaskRecord?) throws {
        let id = phase.ledgerID
        let log = pipelineRun.workdir.log(phase, rank: result.rank)
        var attempt = task?.attempts ?? 0
        let recorded = try ledger.latestAttemptJob(step: id, rank: result.rank) == result.job
        // The times are the node's, from the file: not when this process happened to read it.
        if !recorded { attempt = try ledger.startAttempt(step: id, rank: result.rank, world: result.world, log: log, job: result.job, at: result.started) }
        switch result.status {
        case .running:
            break
        case .done:
            try ledger.finishTask(step: id, rank: result.rank, attempt: attempt, stats: result.stats ?? TaskStats(), at: result.finished)
        case .failed:
            guard !recorded || task?.status != .failed else { return }
            try ledger.failTask(step: id, rank: result.rank, attempt: attempt, exitCode: result.exitCode, error: result.error ?? "failed", at: result.finished)
            if let reopen = result.reopen { try ledger.reopenTask(step: reopen.step, rank: reopen.rank, reason: reopen.reason) }
            display.note("step \(id) task \(result.rank) failed (\(result.error ?? "failed")); log: \(log)")
        }
    }

    /// Tasks of finished jobs that started but left no final result (killed: out of memory,
    /// past the time limit, the node lost) are failed attempts; tasks that never started (Slurm
    /// cancels jobs whose dependency failed) are not.
    private func settleLost(_ jobs: [String]) throws {
        for queued in phases {
            let phase = queued.phase
            for record in try ledger.jobs(step: phase.ledgerID) where jobs.contains(record.job) {
                let tasks = Dictionary(uniqueKeysWithValues: try ledger.tasks(step: phase.ledgerID).map { ($0.rank, $0) })
                for rank in record.ranks where tasks[rank]?.status != .done {
                    let result = TaskResult.read(pipelineRun.workdir.result(phase, rank: rank))
                    if let result, result.job == record.job, result.status != .running { continue }
                    guard result?.job == record.job else { continue } // never started (its dependency failed)
                    let latest = try ledger.latestAttemptJob(step: phase.ledgerID, rank: rank)
                    if latest == record.job, tasks[rank]?.status == .failed { continue } // settled before
                    let log = pipelineRun.workdir.log(phase, rank: rank)
                    let attempt = latest == record.job
                        ? tasks[rank]?.attempts ?? 1
                        : try ledger.startAttempt(step: phase.ledgerID, rank: rank, world: queued.world, log: log, job: record.job)
                    let error = "job \(record.job) ended without the task's result (killed: out of memory, past its time limit or a lost node?)"
                    try ledger.failTask(step: phase.ledgerID, rank: rank, attempt: attempt, exitCode: 137, error: error)
                    display.note("step \(phase.ledgerID) task \(rank): \(error); log: \(log)")
                }
            }
        }
    }
}
