import Foundation
import Testing
import WinnowCore
import WinnowPipeline

/// `Scripts/test.sh` says a cluster is up; then its absence is a failure, not a skip.
let slurmClusterExpected = ProcessInfo.processInfo.environment["WINNOW_SLURM_TESTS"] == "1"

/// The Slurm executor on a real (one-node) Slurm cluster, which `Scripts/test.sh` starts
/// (Scripts/slurm/local-cluster.sh): the same outputs as the local executor, failed tasks
/// retried and reported with their logs, a killed run resubmitting only what did not finish,
/// and sbatch's refusals passed on.
@Suite(.serialized, .enabled(if: slurmClusterExpected, "needs a Slurm cluster: Scripts/test.sh starts one"))
struct SlurmExecutorTests {
    func pipeline(_ dir: String, workdir: String, executor: String, inputs: String = "Samples/web/part-0000[01].jsonl.zst",
                  extra: String = "") -> String {
        """
        name: slurm-test
        workdir: \(workdir)
        input: ["\(CLI.repoRoot)/\(inputs)", "\(CLI.repoRoot)/Samples/broken/bad-lines.jsonl"]
        executor: \(executor)
        retries: 1
        \(extra)
        steps:
          - id: filter
            stage: filter
            from: input
            rules:
              - rule: length
                unit: words
                min: 50
          - id: dedup
            stage: dedup
            from: filter
            method: minhash
            memory: 256MB
        """
    }

    /// Every output and rejected file of a run (what the next step and a user read).
    func results(_ workdir: String) throws -> [String: Data] {
        try CLI.tree(workdir) { !($0.contains("/output/") || $0.contains("/rejected/")) }
    }

    /// The test pipeline run by the local executor (what the Slurm runs must write), and the
    /// same pipeline for Slurm in a folder of its own: its file and its workdir.
    func localRunAndSlurmPipeline(_ name: String, extra: String = "") throws -> (expected: [String: Data], path: String, workdir: String) {
        let dir = try CLI.temporaryDirectory(name)
        let local = try CLI.writePipeline(pipeline(dir, workdir: "\(dir)/local", executor: "local", extra: extra), in: dir)
        #expect(try CLI.run(["run", local]).status == 0)
        let slurmDir = "\(dir)/on-slurm"
        try FileManager.default.createDirectory(atPath: slurmDir, withIntermediateDirectories: true)
        let path = try CLI.writePipeline(pipeline(slurmDir, workdir: "\(slurmDir)/run", executor: "slurm", extra: extra), in: slurmDir)
        return (try results("\(dir)/local"), path, "\(slurmDir)/run")
    }

    /// Whether `condition` comes true within `seconds`, looking every 0.2 s.
    func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        for _ in 0..<Int(seconds * 5) {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return condition()
    }

    /// Whether the file `path` comes to contain `text` within `seconds`.
    func eventually(within seconds: Double, file path: String, contains text: String) -> Bool {
        eventually(within: seconds) { (try? String(contentsOfFile: path, encoding: .utf8))?.contains(text) == true }
    }

    @Test func writesTheSameBytesAsTheLocalExecutor() throws {
        // At most 5 tasks per array: the 14 matching tasks of dedup#1 go in 3 arrays.
        let (expected, slurm, slurmRun) = try localRunAndSlurmPipeline("slurm", extra: "slurm:\n  max_array_size: 5")
        let result = try CLI.run(["run", slurm])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(expected.keys.contains { $0.hasPrefix("dedup/output/") } && expected.keys.contains { $0.hasPrefix("filter/rejected/") })
        #expect(try results(slurmRun) == expected)

        // One job array per phase, in the ledger and in status, and no SQLite writes from tasks.
        let ledger = try Ledger(workdir: slurmRun)
        let jobs = try ledger.jobs()
        #expect(jobs.map(\.step) == ["filter", "dedup#0", "dedup#1", "dedup#1", "dedup#1", "dedup#2", "dedup#3"])
        #expect(jobs.filter { $0.step == "dedup#1" }.map(\.ranks) == [Array(0..<5), Array(5..<10), Array(10..<14)])
        // Tasks of arrays that start at an offset write their rank's log themselves.
        for rank in [0, 7, 13] {
            let log = try String(contentsOfFile: "\(slurmRun)/dedup/logs/p1-\(rank).log", encoding: .utf8)
            #expect(log.contains("step dedup#1 task \(rank)/14"), "\(log)")
        }
        // Both steps were queued at once, the dedup's first array waiting for the filter's.
        #expect(result.stderr.contains("step dedup#0: submitted job \(jobs[1].job) (3 task(s), after job \(jobs[0].job))"), "\(result.stderr)")
        #expect(result.stderr.contains("step dedup#1: submitted jobs \(jobs[2].job)-\(jobs[4].job) (14 task(s), after job \(jobs[1].job))"), "\(result.stderr)")
        #expect(result.stderr.range(of: "step dedup#3: submitted job")!.lowerBound < result.stderr.range(of: "jobs \(jobs[0].job)")!.lowerBound,
                "the whole chain is submitted before the first job is watched")
        #expect(try ledger.tasks(step: "dedup#1").count == 14)
        #expect(try ledger.tasks(step: "filter").allSatisfy { $0.status == .done && $0.attempts == 1 && $0.stats != nil })
        let status = try CLI.run(["status", slurmRun]).stdout
        #expect(status.contains("slurm jobs:"))
        #expect(fileExists("\(slurmRun)/dedup/results/p3-0.json"))
    }

    /// Every stage, queued at once: the pack's arrays wait for the mix it reads and for the
    /// tokenizer its settings name.
    @Test func theQuickstartRunsOnSlurmAsItDoesLocally() throws {
        let dir = try CLI.temporaryDirectory("slurm-quickstart")
        let quickstart = try String(contentsOfFile: "\(CLI.repoRoot)/Pipelines/quickstart.yaml", encoding: .utf8)
        func copy(_ name: String, executor: String) throws -> String {
            let text = quickstart.replacingOccurrences(of: "workdir: runs/quickstart", with: "workdir: \(dir)/\(name)\nexecutor: \(executor)")
            let path = "\(dir)/\(name).yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        #expect(try CLI.run(["run", try copy("local", executor: "local")]).status == 0)
        let result = try CLI.run(["run", try copy("slurm", executor: "slurm")])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try results("\(dir)/local")
        #expect(expected.keys.contains { $0.hasPrefix("pack/output/") } && expected.keys.contains { $0.hasPrefix("dedup/rejected/") })
        #expect(try results("\(dir)/slurm") == expected)
        let jobs = try Ledger(workdir: "\(dir)/slurm").jobs()
        let job = { (step: String) in jobs.first { $0.step == step }!.job }
        let packLine = "step pack#0: submitted job \(job("pack#0")) (4 task(s), after jobs \(job("mix#3"))-\(job("tokenizer")))"
        #expect(result.stderr.contains(packLine), "\(packLine)")
    }

    @Test func aFailingTaskIsRetriedThenReportedWithItsLog() throws {
        let dir = try CLI.temporaryDirectory("slurm-fail")
        // A truncated shard fails its task every time.
        let path = try CLI.writePipeline(pipeline(dir, workdir: "\(dir)/run", executor: "slurm",
                                                  inputs: "Samples/broken/truncated.jsonl.zst"), in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 1)
        let log = "\(dir)/run/filter/logs/1.log"
        #expect(result.stderr.contains("step filter task 1 failed") && result.stderr.contains(log), "\(result.stderr)")
        let tasks = try Ledger(workdir: "\(dir)/run").tasks(step: "filter")
        #expect(tasks.first { $0.rank == 1 }.map { $0.status == .failed && $0.attempts == 2 } == true)
        #expect(tasks.first { $0.rank == 0 }?.status == .done)
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("truncated"))
    }

    @Test func aKilledRunResubmitsOnlyWhatDidNotFinish() throws {
        let (expected, path, killedRun) = try localRunAndSlurmPipeline("slurm-kill")

        // Kill the submitter once the filter has finished (the dedup's jobs were queued with
        // it), and cancel its jobs.
        let submitter = Process()
        submitter.executableURL = URL(fileURLWithPath: CLI.binary)
        submitter.arguments = ["run", path]
        submitter.standardOutput = FileHandle.nullDevice
        submitter.standardError = FileHandle.nullDevice
        try submitter.run()
        #expect(eventually(within: 60) {
            let ledger = try? Ledger(workdir: killedRun)
            return (try? ledger?.jobs(step: "dedup#0").isEmpty == false) ?? false
                && (try? ledger?.tasks(step: "filter").filter { $0.status == .done }.count == 3) ?? false
        })
        kill(submitter.processIdentifier, SIGKILL)
        submitter.waitUntilExit()
        let jobs = try Ledger(workdir: killedRun).jobs().map(\.job)
        _ = try Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["scancel"] + jobs).waitUntilExit()

        let again = try CLI.run(["run", path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try results(killedRun) == expected)
        let ledger = try Ledger(workdir: killedRun)
        // The filter finished before the kill and was not submitted again.
        #expect(try ledger.jobs(step: "filter").count == 1)
        #expect(try ledger.tasks(step: "filter").allSatisfy { $0.attempts == 1 })
        #expect(try ledger.jobs(step: "dedup#3").count >= 1)
    }

    @Test func aDetachedRunIsCarriedOnByFollowUpJobs() throws {
        let (expected, path, detachedRun) = try localRunAndSlurmPipeline("slurm-detach")

        // It returns once the jobs are queued, before any has run.
        let queued = try CLI.run(["run", path, "--detach"])
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stderr.contains("records the results when jobs"), "\(queued.stderr)")
        #expect(try Ledger(workdir: detachedRun).step("dedup#3")?.finished == nil)
        // Status shows the queued jobs with their states from squeue.
        func jobStates() throws -> [String] {
            let status = try CLI.json(try CLI.run(["status", detachedRun, "--json"]).stdout)
            return (status["steps"] as? [[String: Any]] ?? []).flatMap { $0["slurm_jobs"] as? [[String: Any]] ?? [] }.compactMap { $0["state"] as? String }
        }
        let states = try jobStates()
        #expect(states.count == 5 && states.contains { $0.contains("pending") || $0.contains("running") }, "\(states)")

        // The follow-up job records every result and finishes the steps.
        #expect(eventually(within: 300) { (try? Ledger(workdir: detachedRun).step("dedup#3")?.finished != nil) ?? false })
        #expect(try results(detachedRun) == expected)
        let ledger = try Ledger(workdir: detachedRun)
        #expect(try ledger.tasks(step: "filter").allSatisfy { $0.status == .done && $0.stats != nil })
        #expect(try jobStates() == Array(repeating: "ended", count: 5))
        let log = "\(detachedRun)/slurm/follow-up.log"
        #expect(eventually(within: 30, file: log, contains: "every step has finished"), "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "no \(log)")")
    }

    @Test func detachedFailingTasksAreRetriedThenReportedInTheFollowUpLog() throws {
        let dir = try CLI.temporaryDirectory("slurm-detach-fail")
        let path = try CLI.writePipeline(pipeline(dir, workdir: "\(dir)/run", executor: "slurm",
                                                  inputs: "Samples/broken/truncated.jsonl.zst"), in: dir)
        #expect(try CLI.run(["run", path, "--detach"]).status == 0)
        let log = "\(dir)/run/slurm/follow-up.log"
        #expect(eventually(within: 300, file: log, contains: "winnow: step filter task 1 failed"),
                "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "no \(log)")")
        let tasks = try Ledger(workdir: "\(dir)/run").tasks(step: "filter")
        #expect(tasks.first { $0.rank == 1 }.map { $0.status == .failed && $0.attempts == 2 } == true, "retried once, as retries: 1 says")
        #expect(tasks.first { $0.rank == 0 }?.status == .done)
    }

    @Test func aControllerThatStopsAnsweringIsAClearErrorAndTheRunResumes() throws {
        let (expected, path, run) = try localRunAndSlurmPipeline("slurm-down")
        // An squeue that answers twice (before and after submitting), then finds no controller.
        let fakes = "\((run as NSString).deletingLastPathComponent)/fake-bin"
        try FileManager.default.createDirectory(atPath: fakes, withIntermediateDirectories: true)
        let real = ProcessInfo.processInfo.environment["PATH"]!.split(separator: ":").map { "\($0)/squeue" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }!
        let script = """
            #!/bin/bash
            calls="$(dirname "$0")/calls"; n=$(( $(cat "$calls" 2>/dev/null || echo 0) + 1 )); echo $n > "$calls"
            if (( n > 2 )); then echo "squeue: error: slurm_load_jobs error: Unable to contact slurm controller (connect failure)" >&2; exit 1; fi
            exec \(real) "$@"
            """
        #expect(FileManager.default.createFile(atPath: "\(fakes)/squeue", contents: Data(script.utf8), attributes: [.posixPermissions: 0o755]))
        let down = try CLI.run(["run", path], environment: ["PATH": "\(fakes):\(ProcessInfo.processInfo.environment["PATH"]!)"])
        #expect(down.status != 0)
        #expect(down.stderr.contains("the Slurm controller does not answer (squeue: squeue: error: slurm_load_jobs error: Unable to contact slurm controller")
                && down.stderr.contains("run winnow run again when it answers"), "\(down.stderr)")

        // The jobs ran meanwhile; once the controller answers, a second run records them.
        let again = try CLI.run(["run", path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try results(run) == expected)
        #expect(try Ledger(workdir: run).jobs(step: "filter").count == 1, "nothing was submitted twice")
    }

    @Test func anUnknownPartitionIsSbatchsError() throws {
        let dir = try CLI.temporaryDirectory("slurm-partition")
        let path = try CLI.writePipeline(pipeline(dir, workdir: "\(dir)/run", executor: "slurm",
                                                  extra: "slurm:\n  partition: nosuchpartition"), in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("sbatch refused") && result.stderr.contains("partition"), "\(result.stderr)")
    }
}

/// Without Slurm's commands, the Slurm executor says what to install (no cluster needed).
@Suite struct SlurmMissingTests {
    @Test func withoutSbatchTheErrorSaysWhatToDo() throws {
        let dir = try CLI.temporaryDirectory("slurm-missing")
        let path = try CLI.writePipeline("""
            name: no-slurm
            workdir: \(dir)/run
            input: [\(CLI.repoRoot)/Samples/web/part-00000.jsonl.zst]
            steps:
              - id: tag
                stage: tag
                from: input
                meco: host
            """, in: dir)
        let result = try CLI.run(["run", path, "--executor", "slurm"], environment: ["PATH": "/nonexistent"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("executor: slurm needs Slurm's client commands"), "\(result.stderr)")
    }
}
