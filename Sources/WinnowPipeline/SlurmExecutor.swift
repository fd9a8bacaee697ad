import WinnowCore

/// Runs a pipeline on a Slurm cluster (`executor: slurm`, or `winnow run --executor slurm`):
/// each phase of a step is one `sbatch --array` whose indices are the task ranks, the phases of
/// a step chained with `--dependency=afterok` (a step's task counts depend on its input shards,
/// which exist once the steps it reads from have finished, so steps follow each other).
///
/// Tasks run `winnow task … --results` on the nodes and never touch the SQLite ledger: each
/// leaves an atomic result file (`TaskResult`) that this process, the submitter, records. So
/// the ledger and `winnow status` work as with the local executor, a task failing is retried
/// up to `retries` times, a damaged intermediate sends its writer back, and running `winnow
/// run` again after a kill — of this process or of the jobs — waits for jobs still queued and
/// resubmits only what did not finish. Outputs are the same bytes as a local run's: the tasks
/// are the same processes.
public final class SlurmExecutor {
    let pipeline: Pipeline
    let options: ExecutionOptions
    let display: ProgressDisplay
    /// How often the queue and the result files are looked at.
    var pollInterval: UInt32 = 1

    public init(pipeline: Pipeline, options: ExecutionOptions, display: ProgressDisplay) {
        self.pipeline = pipeline
        self.options = options
        self.display = display
    }

    /// Runs the pipeline; returns the tasks that failed after all their attempts.
    public func run() throws -> [TaskFailure] {
        let slurm = try SlurmClient()
        let run = try PipelineRun(pipeline: pipeline, options: options)
        for step in try run.steps() {
            let failures = try StepOnSlurm(step: step, run: run, slurm: slurm, display: display, pollInterval: pollInterval).run()
            if !failures.isEmpty { return failures }
        }
        return []
    }

    /// The prefix of every job name of a workdir, so this run finds its own jobs in the queue.
    static func jobPrefix(_ workdir: Workdir) -> String {
        let absolute = workdir.root.hasPrefix("/") ? workdir.root : "\(currentDirectory())/\(workdir.root)"
        return "winnow-\(String(StableHash.fnv1a(absolute) & 0xFFFF_FFFF, radix: 16))-"
    }
}

/// One step's phases on Slurm, until every task is done or one failed for good.
final class StepOnSlurm {
    let step: Pipeline.Step
    let pipelineRun: PipelineRun
    let slurm: SlurmClient
    let display: ProgressDisplay
    let pollInterval: UInt32
    let phases: [StepPhase]
    private var worlds: [Int] = []

    init(step: Pipeline.Step, run: PipelineRun, slurm: SlurmClient, display: ProgressDisplay, pollInterval: UInt32) {
        self.step = step
        pipelineRun = run
        self.slurm = slurm
        self.display = display
        self.pollInterval = pollInterval
        phases = StepPhase.all(of: step.id, phases: step.stage.phaseCount)
    }

    private var ledger: Ledger { pipelineRun.ledger }
    private var prefix: String { SlurmExecutor.jobPrefix(pipelineRun.workdir) }
    private func jobName(_ phase: StepPhase) -> String { prefix + phase.ledgerID }

    func run() throws -> [TaskFailure] {
        let shards = try pipelineRun.inputs(of: step)
        worlds = phases.map { step.stage.taskCount(phase: $0.phase, inputShards: shards.count, requested: step.tasks) }
        var rounds = 0
        while true {
            // Jobs an earlier `winnow run` submitted and that are still queued are waited for,
            // not submitted again.
            try watch(try ownJobsInQueue())
            try ingestAll()
            var undone: [Int: [Int]] = [:]
            var failures: [TaskFailure] = []
            for (k, phase) in phases.enumerated() {
                let done = try pipelineRun.plan(phase, of: step, world: worlds[k])
                let tasks = Dictionary(uniqueKeysWithValues: try ledger.tasks(step: phase.ledgerID).map { ($0.rank, $0) })
                let left = (0..<worlds[k]).filter { !done.contains($0) }
                if !left.isEmpty { undone[k] = left }
                for rank in left {
                    guard let task = tasks[rank], task.status == .failed, task.attempts > pipelineRun.pipeline.retries,
                          task.exitCode != Int(TaskRunner.damagedIntermediateExitCode) else { continue }
                    failures.append(TaskFailure(step: phase.ledgerID, rank: rank, error: task.error ?? "failed",
                                                log: pipelineRun.workdir.log(phase, rank: rank)))
                }
            }
            guard let first = undone.keys.min() else {
                for phase in phases { try ledger.finishStep(phase.ledgerID) }
                return []
            }
            if !failures.isEmpty { return failures }
            rounds += 1
            guard rounds <= (pipelineRun.pipeline.retries + 2) * phases.count else {
                throw WinnowError.invalid("step '\(step.id)': tasks keep ending unfinished after \(rounds - 1) submissions; see the logs in \(pipelineRun.workdir.stepDirectory(step.id))/logs")
            }
            try watch(try submitChain(from: first, undone: undone))
        }
    }

    /// Submits phase `first`'s unfinished ranks and every later phase's, each depending on the
    /// one before; returns the jobs.
    private func submitChain(from first: Int, undone: [Int: [Int]]) throws -> [String] {
        var jobs: [String] = []
        var previous: String?
        for k in first..<phases.count {
            let phase = phases[k]
            let ranks = undone[k] ?? []
            guard !ranks.isEmpty else { continue }
            let script = try writeScript(phase, world: worlds[k])
            let logs = "\(pipelineRun.workdir.stepDirectory(step.id))/logs"
            try makeDirectories(logs)
            // Slurm's %a is the array index, the rank: the same log names as a local run's.
            let stem = phase.phases == 1 ? "%a" : "p\(phase.phase)-%a"
            let job = try slurm.submit(script: script, ranks: ranks, name: jobName(phase),
                                       output: "\(logs)/\(stem).log", after: previous,
                                       arguments: step.slurm.arguments(memory: step.memoryLimit), workingDirectory: currentDirectory())
            try ledger.recordJob(job, step: phase.ledgerID, ranks: ranks)
            display.note("step \(phase.ledgerID): submitted job \(job) (\(ranks.count) task(s)\(previous.map { ", after job \($0)" } ?? ""))")
            jobs.append(job)
            previous = job
        }
        return jobs
    }

    /// The batch script of a phase: one array task is `winnow task` for rank SLURM_ARRAY_TASK_ID.
    private func writeScript(_ phase: StepPhase, world: Int) throws -> String {
        let path = "\(pipelineRun.workdir.root)/slurm/\(phase.ledgerID.split(separator: "#").joined(separator: "-p")).sh"
        let command = pipelineRun.taskArguments(phase, rank: "${SLURM_ARRAY_TASK_ID}", world: world) + ["--results"]
        // Single quotes keep every argument as it is, but the rank, which the shell fills in.
        let quoted = command.map { $0.hasPrefix("${") ? "\"\($0)\"" : "'" + $0.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'" }
        let text = """
            #!/bin/bash
            # Written by winnow run (executor: slurm): array task SLURM_ARRAY_TASK_ID runs task RANK of \(phase.ledgerID).
            exec \(quoted.joined(separator: " "))

            """
        try writeFileAtomically(path, Array(text.utf8))
        chmod(path, 0o755)
        return path
    }

    /// This workdir's jobs of this step still in the queue.
    private func ownJobsInQueue() throws -> [String] {
        let names = Set(phases.map(jobName))
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
            let line = Dictionary(grouping: queue, by: \.state).map { "\($0.value.reduce(0) { $0 + max(1, $1.ranks.count) }) \($0.key.lowercased())" }
                .sorted().joined(separator: ", ")
            if line != lastLine {
                display.note("step \(step.id): jobs \(jobs.joined(separator: ", ")): \(line)")
                lastLine = line
            }
            sleep(pollInterval)
        }
        try ingestAll()
        try settleLost(jobs)
    }

    /// Records every result file of this step's phases that belongs to one of its jobs.
    private func ingestAll() throws {
        for phase in phases {
            let jobs = Set(try ledger.jobs(step: phase.ledgerID).map(\.job))
            guard !jobs.isEmpty else { continue }
            let tasks = Dictionary(uniqueKeysWithValues: try ledger.tasks(step: phase.ledgerID).map { ($0.rank, $0) })
            for rank in 0..<(worlds.isEmpty ? 0 : worlds[phase.phase]) {
                guard let result = TaskResult.read(pipelineRun.workdir.result(phase, rank: rank)), jobs.contains(result.job),
                      result.world == worlds[phase.phase], tasks[rank]?.status != .done else { continue }
                try record(result, phase: phase, task: tasks[rank])
            }
        }
    }

    private func record(_ result: TaskResult, phase: StepPhase, task: Ledger.TaskRecord?) throws {
        let id = phase.ledgerID
        let log = pipelineRun.workdir.log(phase, rank: result.rank)
        var attempt = task?.attempts ?? 0
        let recorded = try ledger.latestAttemptJob(step: id, rank: result.rank) == result.job
        if !recorded { attempt = try ledger.startAttempt(step: id, rank: result.rank, world: result.world, log: log, job: result.job) }
        switch result.status {
        case .running:
            break
        case .done:
            try ledger.finishTask(step: id, rank: result.rank, attempt: attempt, stats: result.stats ?? TaskStats())
        case .failed:
            guard !recorded || task?.status != .failed else { return }
            try ledger.failTask(step: id, rank: result.rank, attempt: attempt, exitCode: result.exitCode, error: result.error ?? "failed")
            if let reopen = result.reopen { try ledger.reopenTask(step: reopen.step, rank: reopen.rank, reason: reopen.reason) }
            display.note("step \(id) task \(result.rank) failed (\(result.error ?? "failed")); log: \(log)")
        }
    }

    /// Tasks of finished jobs that started but left no final result (killed: out of memory,
    /// past the time limit, the node lost) are failed attempts; tasks that never started (Slurm
    /// cancels jobs whose dependency failed) are not.
    private func settleLost(_ jobs: [String]) throws {
        for phase in phases {
            for record in try ledger.jobs(step: phase.ledgerID) where jobs.contains(record.job) {
                let tasks = Dictionary(uniqueKeysWithValues: try ledger.tasks(step: phase.ledgerID).map { ($0.rank, $0) })
                for rank in record.ranks where tasks[rank]?.status != .done {
                    let result = TaskResult.read(pipelineRun.workdir.result(phase, rank: rank))
                    if let result, result.job == record.job, result.status != .running { continue }
                    guard result?.job == record.job else { continue } // never started (its dependency failed)
                    let log = pipelineRun.workdir.log(phase, rank: rank)
                    let attempt = try ledger.latestAttemptJob(step: phase.ledgerID, rank: rank) == record.job
                        ? tasks[rank]?.attempts ?? 1
                        : try ledger.startAttempt(step: phase.ledgerID, rank: rank, world: worlds[phase.phase], log: log, job: record.job)
                    let error = "job \(record.job) ended without the task's result (killed: out of memory, past its time limit or a lost node?)"
                    try ledger.failTask(step: phase.ledgerID, rank: rank, attempt: attempt, exitCode: 137, error: error)
                    display.note("step \(phase.ledgerID) task \(rank): \(error); log: \(log)")
                }
            }
        }
    }
}

/// The process's working directory.
func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    return getcwd(&buffer, buffer.count).map { String(cString: $0) } ?? "."
}
