import Foundation
import Testing
import WinnowCore
@testable import WinnowPipeline

/// The ledger when things go wrong (issue 22): a full disk is reported in words, and a task the
/// ledger says is running whose process has gone is shown as interrupted, not running for good.
@Suite struct LedgerFailureTests {
    @Test func fullDiskIsSaidInWords() throws {
        let path = NSTemporaryDirectory() + "winnow-full-\(UUID().uuidString)/ledger.sqlite"
        let db = try SQLiteDatabase(path: path)
        try db.execute("CREATE TABLE t(x TEXT)")
        // SQLite's own way to make a database full: no page beyond those it has.
        let pages = try db.query("PRAGMA page_count").first?[0].int ?? 1
        try db.execute("PRAGMA max_page_count = \(pages + 1)")
        var message = ""
        do {
            for _ in 0..<100 { try db.query("INSERT INTO t VALUES(?)", [.text(String(repeating: "x", count: 10_000))]) }
        } catch let error as WinnowError {
            message = error.description
        }
        #expect(message == "\(path): the disk holding the workdir is full, so the ledger could not be updated; free some space and run again (finished tasks are kept)")
        #expect(!message.contains("INSERT"))
    }

    @Test func aRunningTaskWhoseProcessHasGoneIsInterrupted() throws {
        let workdir = NSTemporaryDirectory() + "winnow-gone-\(UUID().uuidString)"
        try makeDirectories(workdir)
        let ledger = try Ledger(workdir: workdir)
        try ledger.planStep("clean", stage: "filter", world: 2, fingerprint: "f")
        _ = try ledger.startAttempt(step: "clean", rank: 0, world: 2, log: "l")
        _ = try ledger.startAttempt(step: "clean", rank: 1, world: 2, log: "l")
        // Rank 1's process has exited without recording anything (killed, or its write failed).
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let db = try SQLiteDatabase(path: "\(workdir)/ledger.sqlite")
        try db.query("UPDATE attempts SET pid = ? WHERE rank = 1", [.int(Int64(gone.processIdentifier))])

        let status = try StatusReport(workdir: workdir)
        let step = try #require(status.steps.first)
        #expect(step.running == 1)
        #expect(step.interrupted == 1)
        #expect(status.text.contains("1 running, 1 interrupted, 0 pending of 2"))
    }
}
