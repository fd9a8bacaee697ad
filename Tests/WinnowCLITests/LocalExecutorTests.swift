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

    func run(_ pipeline: Pipeline, executable: String = CLI.binary, from: String? = nil) throws -> [LocalExecutor.Failure] {
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
}
