import Foundation
import Testing
import WinnowCore
@testable import WinnowPipeline

/// `winnow status` on a run on Slurm: tasks whose result files nobody has recorded yet (a
/// detached run, between follow-ups) count as the files say, and the step's wall time runs
/// from its first task's start to its last task's end, in the nodes' clock.
@Suite struct StatusReportTests {
    @Test func resultFilesNotYetRecordedCountAsTheySay() throws {
        let workdir = NSTemporaryDirectory() + "winnow-status-\(UUID().uuidString)"
        try makeDirectories(workdir)
        let ledger = try Ledger(workdir: workdir)
        let phase = StepPhase(step: "dedup", phase: 1, phases: 4)
        try ledger.planStep(phase.ledgerID, stage: "dedup", world: 3, fingerprint: "f")
        try ledger.recordJob("41", step: phase.ledgerID, ranks: [0, 1, 2])
        // Rank 0 was recorded by the submitter; ranks 1 and 2 left files it has not read.
        let attempt = try ledger.startAttempt(step: phase.ledgerID, rank: 0, world: 3, log: "l", job: "41", at: 1000)
        var stats = TaskStats()
        stats.bytesIn = 10
        try ledger.finishTask(step: phase.ledgerID, rank: 0, attempt: attempt, stats: stats, at: 1004)
        let directory = "\(workdir)/dedup/results"
        try makeDirectories(directory)
        let done = TaskResult(step: phase.ledgerID, rank: 1, world: 3, job: "41", status: .done, exitCode: 0, started: 1001, finished: 1010, stats: stats)
        let running = TaskResult(step: phase.ledgerID, rank: 2, world: 3, job: "41", status: .running, exitCode: 0, started: 1002, finished: 0)
        for result in [done, running] {
            try writeFileAtomically(Workdir(workdir).result(phase, rank: result.rank), Array(JSONWriter.string(result.json).utf8))
        }
        // A file of another job (an earlier run's) is not this run's.
        let stale = TaskResult(step: phase.ledgerID, rank: 0, world: 3, job: "7", status: .failed, exitCode: 1, started: 1, finished: 2)
        try writeFileAtomically(Workdir(workdir).result(phase, rank: 0), Array(JSONWriter.string(stale.json).utf8))

        let step = try #require(try StatusReport(workdir: workdir).steps.first)
        #expect(step.done == 2 && step.running == 1 && step.failed == 0 && step.pending == 0)
        #expect(step.totals.bytesIn == 20)
        #expect(step.wallSeconds.map { $0 > 1000 } == true, "a task still runs: the wall time runs until now")

        try ledger.finishTask(step: phase.ledgerID, rank: 2, attempt: try ledger.startAttempt(step: phase.ledgerID, rank: 2, world: 3, log: "l", job: "41", at: 1002),
                              stats: stats, at: 1012)
        let ended = try #require(try StatusReport(workdir: workdir).steps.first)
        #expect(ended.done == 3 && ended.running == 0)
        #expect(ended.wallSeconds == 12, "from the first start (1000) to the last end (1012)")
        try? FileManager.default.removeItem(atPath: workdir)
    }
}
