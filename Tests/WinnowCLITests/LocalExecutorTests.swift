import Foundation
import Testing
import WinnowCore
import WinnowPipeline

/// The local executor driven directly (not through `winnow run`): its tasks are real
/// `winnow task` processes of the built CLI, its bookkeeping is read back from the ledger.
@Suite struct LocalExecutorTests {
    func pipeline(_ dir: String, minLength: Int = 50) throws -> Pipeline {
        let path = try CLI.writePipeline("""
            name: executor
            workdir: \(dir)/run
            input: [\(CLI.repoRoot)/Samples/web/*.jsonl.zst]
            workers: 2
            retries: 1
            steps:
              - id: filter
                stage: filter
                from: input
                tasks: 3
                rules:
                  - rule: length
                    min: \(minLength)
              - id: tag
                stage: tag
                from: filter
                meco: host
            """, in: dir)
        return try Pipeline.load(path: path)
    }

    func run(_ pipeline: Pipeline, executable: String = CLI.binary, from: String? = nil) throws -> [TaskFailure] {
        try LocalExecutor(pipeline: pipeline, options: .init(from: from, executable: executable),
                          display: ProgressDisplay(live: false)).run()
    }

    @Test func runsEveryTaskOnceAndResumesWithoutRedoingAny() throws {
        let dir = try CLI.temporaryDirectory("executor")
        let p = try pipeline(dir)
        #expect(try run(p).isEmpty)
        let ledger = try Ledger(workdir: "\(dir)/run")
        let filterTasks = try ledger.tasks(step: "filter")
        #expect(filterTasks.map(\.rank) == [0, 1, 2])
        #expect(filterTasks.allSatisfy { $0.status == .done && $0.attempts == 1 })
        #expect(try ledger.step("filter")?.finished != nil && ledger.step("tag")?.finished != nil)
        // Every document the filter read went somewhere, and the tag step read what it kept.
        var filtered = TaskStats(), tagged = TaskStats()
        for task in filterTasks { filtered.add(try #require(task.stats)) }
        for task in try ledger.tasks(step: "tag") { tagged.add(try #require(task.stats)) }
        #expect(filtered.docsIn > 0 && filtered.docsIn == filtered.docsKept + filtered.docsRejected)
        #expect(tagged.docsIn == filtered.docsKept)

        // A second run finds every task done and starts none.
        #expect(try run(p).isEmpty)
        #expect(try Ledger(workdir: "\(dir)/run").tasks(step: "filter").allSatisfy { $0.attempts == 1 })

        // Changed settings with finished tasks are refused, and --from redoes the step.
        let changed = try pipeline(dir, minLength: 60)
        #expect(throws: WinnowError.self) { try run(changed) }
        #expect(try run(changed, from: "filter").isEmpty)
        #expect(try Ledger(workdir: "\(dir)/run").tasks(step: "filter").allSatisfy { $0.status == .done && $0.attempts == 1 })
    }

    /// Far more tasks than workers: a few worker processes run them all, handed over ahead and
    /// recorded in batches, yet every task keeps its own ledger row (one attempt), log, stats
    /// file and output, as a task process of its own did.
    @Test func manySmallTasksRunInWorkersEachKeptApart() throws {
        let dir = try CLI.temporaryDirectory("executor-many")
        try CLI.writeSmallShards(60, in: "\(dir)/shards")
        let path = try CLI.writePipeline("""
            name: many
            workdir: \(dir)/run
            input: [\(dir)/shards/*.jsonl]
            workers: 2
            steps:
              - id: filter
                stage: filter
                from: input
                rules:
                  - rule: length
                    unit: words
                    min: 10
            """, in: dir)
        #expect(try run(try Pipeline.load(path: path)).isEmpty)
        let tasks = try Ledger(workdir: "\(dir)/run").tasks(step: "filter")
        #expect(tasks.map(\.rank) == Array(0..<60))
        #expect(tasks.allSatisfy { $0.status == .done && $0.attempts == 1 && $0.world == 60 })
        var total = TaskStats()
        for task in tasks {
            let stats = try #require(task.stats)
            #expect(stats.docsIn == 5)
            total.add(stats)
            let log = try String(contentsOfFile: "\(dir)/run/filter/logs/\(task.rank).log", encoding: .utf8)
            #expect(log.contains("task \(task.rank)/60 attempt 1") && log.contains("task \(task.rank)/60 done"))
            #expect(!log.contains("task \((task.rank + 1) % 60)/60"), "another task's lines in task \(task.rank)'s log")
            #expect(FileManager.default.fileExists(atPath: "\(dir)/run/filter/stats/\(task.rank).json"))
        }
        #expect(total.docsIn == 300 && total.docsKept > 0 && total.docsRejected > 0)
        let outputs = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/run/filter/output")
        #expect(outputs.filter { $0.hasSuffix(".jsonl.zst") }.count == 60)
        #expect(!outputs.contains { $0.contains(".tmp-") })
    }

    @Test func retriesAFailingTaskThenReportsItWithItsLog() throws {
        let dir = try CLI.temporaryDirectory("executor-fail")
        let failing = "\(dir)/failing-task"
        try "#!/bin/sh\necho 'task says no' >&2\nexit 3\n".write(toFile: failing, atomically: true, encoding: .utf8)
        chmod(failing, 0o755)
        let failures = try run(try pipeline(dir), executable: failing)
        #expect(failures.map(\.rank).sorted() == [0, 1, 2])
        #expect(failures.allSatisfy { $0.step == "filter" && $0.error == "exit code 3" })
        let log = try String(contentsOfFile: try #require(failures.first).log, encoding: .utf8)
        #expect(log.contains("task says no"))
        let ledger = try Ledger(workdir: "\(dir)/run")
        // One retry (retries: 1): two attempts each, and the step is not finished.
        #expect(try ledger.tasks(step: "filter").allSatisfy { $0.status == .failed && $0.attempts == 2 })
        #expect(try ledger.step("filter")?.finished == nil)
        #expect(try ledger.step("tag") == nil)
    }

    /// A file one phase wrote for the next, found damaged by the next: the executor goes back,
    /// redoes only the task that wrote it, then the phase that found it, and the step ends as
    /// if nothing had happened.
    @Test func aDamagedIntermediateIsRedoneByTheTaskThatWroteIt() throws {
        let dir = try CLI.temporaryDirectory("executor-damage")
        let path = try CLI.writePipeline("""
            name: damage
            workdir: \(dir)/run
            input: [\(CLI.repoRoot)/Samples/web/*.jsonl.zst]
            workers: 2
            steps:
              - id: dedup
                stage: dedup
                from: input
                method: exact
                normalize: [lowercase, punctuation, whitespace]
            """, in: dir)
        let p = try Pipeline.load(path: path)
        #expect(try run(p).isEmpty)
        let results = { try CLI.tree("\(dir)/run/dedup") { !($0.hasPrefix("output") || $0.hasPrefix("rejected")) } }
        let expected = try results()
        #expect(expected.keys.filter { $0.hasPrefix("output/") }.count == 4)

        // Phase 0's run for partition 5 of task 2 loses a byte in the middle, before phase 1 ran.
        let damaged = "\(dir)/run/dedup/signatures/p5/00002-0.bin"
        var bytes = try readFile(damaged)
        bytes[bytes.count / 2] ^= 0x40
        try writeFileAtomically(damaged, bytes)
        let ledger = try Ledger(workdir: "\(dir)/run")
        for phase in 1...3 { try ledger.forgetStep("dedup#\(phase)") }

        #expect(try run(p).isEmpty)
        #expect(try results() == expected)
        let redone = try ledger.tasks(step: "dedup#0")
        #expect(redone.map(\.attempts) == [1, 1, 2, 1])
        #expect(try ledger.tasks(step: "dedup#1").first { $0.rank == 5 }?.attempts == 2)
    }
}
