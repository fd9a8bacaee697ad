import Foundation
import Testing
import WinnowCore
@testable import WinnowPipeline

/// The ledger is what resume trusts, so each transition is checked on its own: a plan keeps its
/// first start time, attempts count up, a failure never overwrites a finished task, counters
/// survive a reopen, and forgetting a step removes every row of it.
@Suite struct LedgerTests {
    func freshWorkdir() throws -> String {
        let path = NSTemporaryDirectory() + "winnow-ledger-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func planningAgainKeepsTheFirstStartAndTakesTheNewPlan() throws {
        let ledger = try Ledger(workdir: try freshWorkdir())
        try ledger.planStep("filter", stage: "filter", world: 4, fingerprint: "aa")
        let first = try #require(try ledger.step("filter"))
        #expect(first.world == 4 && first.fingerprint == "aa" && first.finished == nil)
        try ledger.planStep("filter", stage: "filter", world: 2, fingerprint: "bb")
        let second = try #require(try ledger.step("filter"))
        #expect(second.world == 2 && second.fingerprint == "bb")
        #expect(second.started == first.started)
        try ledger.finishStep("filter")
        #expect(try ledger.step("filter")?.finished != nil)
        #expect(try ledger.step("other") == nil)
        #expect(try ledger.steps().map(\.step) == ["filter"])
    }

    @Test func attemptsCountUpAndADoneTaskStaysDone() throws {
        let ledger = try Ledger(workdir: try freshWorkdir())
        try ledger.planStep("s", stage: "filter", world: 2, fingerprint: "f")
        #expect(try ledger.startAttempt(step: "s", rank: 1, world: 2, log: "logs/1.log") == 1)
        #expect(try ledger.tasks(step: "s").first?.status == .running)

        try ledger.failTask(step: "s", rank: 1, attempt: nil, exitCode: 3, error: "boom")
        var task = try #require(try ledger.tasks(step: "s").first)
        #expect(task.status == .failed && task.exitCode == 3 && task.error == "boom" && task.attempts == 1)

        #expect(try ledger.startAttempt(step: "s", rank: 1, world: 2, log: "logs/1.log") == 2)
        task = try #require(try ledger.tasks(step: "s").first)
        #expect(task.status == .running && task.error == nil && task.exitCode == nil)

        var stats = TaskStats()
        stats.docsIn = 5; stats.docsKept = 3; stats.docsRejected = 2
        stats.rejectedBy = ["length: too short": 2]
        try ledger.finishTask(step: "s", rank: 1, attempt: 2, stats: stats)
        // A late report of a dead process must not undo the success.
        try ledger.failTask(step: "s", rank: 1, attempt: nil, exitCode: 9, error: "killed")
        task = try #require(try ledger.tasks(step: "s").first)
        #expect(task.status == .done && task.exitCode == 0 && task.attempts == 2)
        #expect(task.stats == stats)
        #expect(task.log == "logs/1.log")
    }

    @Test func stateSurvivesReopeningAndTwoConnectionsShareIt() throws {
        let dir = try freshWorkdir()
        do {
            let ledger = try Ledger(workdir: dir)
            try ledger.planStep("s", stage: "pack", world: 2, fingerprint: "f")
            _ = try ledger.startAttempt(step: "s", rank: 0, world: 2, log: "a")
        }
        // Task processes open their own connection to the same file.
        let a = try Ledger(workdir: dir), b = try Ledger(workdir: dir)
        _ = try b.startAttempt(step: "s", rank: 1, world: 2, log: "b")
        var stats = TaskStats()
        stats.made = ["tokens": 42]
        try a.finishTask(step: "s", rank: 0, attempt: 1, stats: stats)
        try b.finishTask(step: "s", rank: 1, attempt: 1, stats: stats)
        let tasks = try Ledger(workdir: dir).tasks(step: "s")
        #expect(tasks.map(\.rank) == [0, 1])
        #expect(tasks.allSatisfy { $0.status == .done && $0.stats?.made["tokens"] == 42 })
    }

    @Test func forgettingAStepRemovesItsTasksAndAttempts() throws {
        let ledger = try Ledger(workdir: try freshWorkdir())
        for id in ["a", "b"] {
            try ledger.planStep(id, stage: "filter", world: 1, fingerprint: "f")
            _ = try ledger.startAttempt(step: id, rank: 0, world: 1, log: "")
        }
        try ledger.forgetStep("a")
        #expect(try ledger.step("a") == nil)
        #expect(try ledger.tasks(step: "a").isEmpty)
        #expect(try ledger.startAttempt(step: "a", rank: 0, world: 1, log: "") == 1)
        #expect(try ledger.tasks(step: "b").count == 1)
    }
}
