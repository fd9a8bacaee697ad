import ArgumentParser
import WinnowCore
import WinnowPipeline

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline's steps on this machine, skipping tasks that already finished.")

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(help: "Task processes to run at once (default: the pipeline's `workers`).")
    var workers: Int?

    @Option(help: "Run only this step; the steps it reads from must have finished.")
    var only: String?

    @Option(help: "Redo this step and every step after it from scratch.")
    var from: String?

    @Option(help: "Where tasks run: local (this machine) or slurm (job arrays); default: the pipeline's `executor`.")
    var executor: String?

    @Flag(help: "Slurm: queue the pipeline and return; a follow-up job records the results when the jobs end and queues what is left (retries).")
    var detach = false

    func run() throws {
        let failures = try reportingErrors {
            let loaded = try Pipeline.load(path: pipeline)
            let options = ExecutionOptions(workers: workers, only: only, from: from, detach: detach)
            let display = ProgressDisplay(live: isatty(2) != 0)
            switch executor ?? loaded.executor {
            case "local" where detach: throw WinnowError.invalid("--detach is for executor slurm: on this machine, run winnow in the background (nohup winnow run … &)")
            case "local": return try LocalExecutor(pipeline: loaded, options: options, display: display).run()
            case "slurm": return try SlurmExecutor(pipeline: loaded, options: options, display: display).run()
            case let other: throw WinnowError.invalid("--executor must be local or slurm, not '\(other)'")
            }
        }
        guard failures.isEmpty else {
            for failure in failures {
                FileOutput.standardError("winnow: step \(failure.step) task \(failure.rank) failed: \(failure.error)\n  log: \(failure.log)\n")
            }
            throw ExitCode(1)
        }
    }
}

/// Which phase of which step a task (or a worker's tasks) belong to.
struct PhaseOptions: ParsableArguments {
    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(help: "The step's id.")
    var step: String

    @Option(help: "The phase of the step, for stages that run in several phases.")
    var phase = 0

    @Option(help: "The step's number of tasks; rank r takes input shards r, r+N, r+2N, ….")
    var world: Int
}

struct Task: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one task of one step in this process (what executors and Slurm array jobs call).")

    @OptionGroup var target: PhaseOptions

    @Option(help: "This task's rank, from 0.")
    var rank: Int

    @Flag(help: "Record the outcome in a result file for a cluster submitter, not in the ledger (what Slurm array jobs pass).")
    var results = false

    @Option(help: "Fail unless the step has this many input shards (what --world was planned for, when the Slurm executor queued the task before its inputs existed).")
    var inputShards: Int?

    func run() throws {
        CrashReport.install()
        TaskRunner.followParent()
        do {
            _ = try reportingErrors {
                try TaskRunner.run(pipeline: try Pipeline.load(path: target.pipeline), stepID: target.step, phase: target.phase, rank: rank,
                                   world: target.world, writingResult: results, expectedInputShards: inputShards)
            }
        } catch let exit as ExitCode {
            throw ExitCode(exit.rawValue == 2 ? 1 : exit.rawValue)
        } catch let damaged as DamagedIntermediate {
            FileOutput.standardError("winnow: \(damaged)\n")
            throw ExitCode(TaskRunner.damagedIntermediateExitCode)
        }
    }
}

struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run tasks of one step phase in turn, ranks taken from file descriptor 3 (what the local executor starts).",
        shouldDisplay: false)

    @OptionGroup var target: PhaseOptions

    func run() throws {
        CrashReport.install()
        _ = try reportingErrors {
            try TaskWorker.serve(pipeline: try Pipeline.load(path: target.pipeline), stepID: target.step, phase: target.phase,
                                 world: target.world)
        }
    }
}
