import WinnowCore

/// Runs a pipeline on a Slurm cluster (`executor: slurm`, or `winnow run --executor slurm`):
/// each phase of a step is one `sbatch --array` whose indices are the task ranks, and each
/// array waits (`--dependency=afterok`) for the phase before it and for the steps its step
/// depends on. Steps are queued together as far as their task counts are known in advance:
/// a step's task count follows from its input shards, and most stages say how many shards they
/// will write (`Stage.outputShards`); the steps after one that does not (none of the built-in
/// ones) are queued once it has finished.
///
/// Tasks run `winnow task … --results` on the nodes and never touch the SQLite ledger: each
/// leaves an atomic result file (`TaskResult`) that this process, the submitter, records. So
/// the ledger and `winnow status` work as with the local executor, a task failing is retried
/// up to `retries` times, a damaged intermediate sends its writer back, and running `winnow
/// run` again after a kill — of this process or of the jobs — waits for jobs still queued and
/// resubmits only what did not finish. Outputs are the same bytes as a local run's: the tasks
/// are the same processes.
///
/// With `detach`, it queues the work and returns instead of watching: a follow-up job, queued
/// to start when those jobs have ended however they ended, runs `winnow run --detach` again,
/// which records the results and queues what is left (retries, the steps after a cut) and its
/// own follow-up, until the pipeline is done or a task has failed for good.
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

    /// The environment variable that tells a follow-up job which one it is.
    static let followUpVariable = "WINNOW_SLURM_FOLLOW_UP"

    /// Runs the pipeline; returns the tasks that failed after all their attempts.
    public func run() throws -> [TaskFailure] {
        let slurm = try SlurmClient()
        let followUp = getenv(Self.followUpVariable).flatMap { Int(String(cString: $0)) } ?? 0
        if followUp > 0, WorkdirLock.isHeld(path: Workdir(pipeline.workdir).lockFile) {
            display.note("another winnow run is watching this workdir; it records the results")
            return []
        }
        let run = try PipelineRun(pipeline: pipeline, options: options)
        var steps = try run.steps()[...]
        while !steps.isEmpty {
            let wave = try Self.nextWave(steps, run: run)
            switch try StepsOnSlurm(wave, run: run, slurm: slurm, display: display, pollInterval: pollInterval).run(detached: options.detach) {
            case .done: steps = steps.dropFirst(wave.count)
            case let .failed(failures): return failures
            case let .queued(jobs):
                try queueFollowUp(after: jobs, number: followUp + 1, run: run, slurm: slurm)
                return []
            }
        }
        if followUp > 0 { display.note("every step has finished") }
        return []
    }

    /// Queues the job that carries a detached run on once `jobs` have ended.
    private func queueFollowUp(after jobs: [String], number: Int, run: PipelineRun, slurm: SlurmClient) throws {
        // Each follow-up retries or queues something; failures count against `retries`, so a
        // pipeline needs few. The bound stops a loop nobody watches should anything else go wrong.
        let limit = (pipeline.retries + 2) * pipeline.steps.reduce(0) { $0 + $1.stage.phaseCount }
        guard number <= limit else {
            throw WinnowError.invalid("\(number - 1) follow-up jobs have not finished the pipeline; see winnow status \(pipeline.workdir) and the logs")
        }
        // A dot: no step id has one, so no step's job takes this name.
        let name = Self.jobPrefix(run.workdir) + ".follow-up"
        // One follow-up at a time: a second `winnow run --detach` while one waits adds none.
        let own = getenv("SLURM_JOB_ID").map { String(cString: $0) }
        if let waiting = try slurm.queue(namesStartingWith: name).first(where: { $0.name == name && $0.job != own }) {
            display.note("queued; follow-up job \(waiting.job) records the results and queues what is left")
            return
        }
        let directory = "\(run.workdir.root)/slurm"
        try makeDirectories(directory)
        var command = [run.executable, "run", pipeline.path, "--executor", "slurm", "--detach"]
        if let only = options.only { command += ["--only", only] }
        let script = try SlurmScript.write("\(directory)/follow-up.sh", command: command,
                                           comment: "Written by winnow run --detach: records the results of the jobs before it and queues what is left.",
                                           environment: [Self.followUpVariable: String(number)])
        let log = "\(directory)/follow-up.log"
        let job = try slurm.submit(script: script, ranks: nil, name: name, output: log,
                                   after: jobs, afterEnding: true, arguments: pipeline.slurm.arguments(memory: ByteSize.minimumMemoryLimit),
                                   workingDirectory: currentDirectory())
        display.note("queued; job \(job) records the results when jobs \(StepsOnSlurm.spans(jobs)) have ended and queues what is left (log: \(log)); winnow status \(pipeline.workdir) shows how far it is")
    }

    /// The longest run of `steps`, from the first, whose task counts can be planned now, each
    /// with its input shard count: every step it depends on has finished or comes earlier in
    /// the run, and those it reads shards from say how many they will write.
    static func nextWave(_ steps: ArraySlice<Pipeline.Step>, run: PipelineRun) throws -> [(step: Pipeline.Step, inputShards: Int)] {
        var wave: [(step: Pipeline.Step, inputShards: Int)] = []
        var planned: [String: Int] = [:]
        for step in steps {
            guard let count = try run.plannedInputCount(of: step, willRun: Set(wave.map(\.step.id)), planned: planned) else { break }
            wave.append((step, count))
            planned[step.id] = step.stage.outputShards(inputShards: count)
        }
        if wave.isEmpty, let first = steps.first {
            // What it reads has not finished: inputs(of:) says which step.
            wave.append((first, try run.inputs(of: first).count))
        }
        return wave
    }

    /// The prefix of every job name of a workdir, so this run finds its own jobs in the queue.
    static func jobPrefix(_ workdir: Workdir) -> String {
        let absolute = workdir.root.hasPrefix("/") ? workdir.root : "\(currentDirectory())/\(workdir.root)"
        return "winnow-\(String(StableHash.fnv1a(absolute) & 0xFFFF_FFFF, radix: 16))-"
    }
}

/// The process's working directory.
func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    return getcwd(&buffer, buffer.count).map { String(cString: $0) } ?? "."
}
