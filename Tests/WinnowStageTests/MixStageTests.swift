import Testing
import WinnowCore

/// The mix stage's four phases: measure, plan, assign, shuffle. Documents over the pipeline's
/// size limit are skipped while measuring and quarantined once, when assigned.
@Suite struct MixStageTests {
    static func steps(tasks: Int? = nil) -> String {
        """
          - id: mix
            stage: mix
            from: input
            \(tasks.map { "tasks: \($0)" } ?? "")
            group_by: language
            alpha: 0.5
            max_epochs: 2
            buckets: 2
            phases:
              - name: main
                fraction: 0.8
              - name: cooldown
                fraction: 0.2
        """
    }
    static let limit = 60_000

    @Test func plansAssignsAndShufflesWithEveryDocumentAccountedFor() throws {
        let run = try StageHarness("mix", steps: Self.steps(), maxDocBytes: Self.limit)
        let phases = try run.run("mix")
        #expect(phases.count == 4)
        let (count, plan, assign, shuffle) = (phases[0], phases[1], phases[2], phases[3])
        let oversized = "reader: document over max_doc_bytes"

        #expect(count.docsIn == 560 && count.addsUp && count.docsRejected == 0)
        let skipped = try #require(count.skippedBy[oversized])
        #expect(skipped > 0 && count.docsKept == 560 - skipped)

        #expect(plan.docsIn == 0 && plan.made["files"] == 1)
        let languages = try #require(plan.made["sources"])
        #expect(languages >= 20)
        #expect(try run.object(in: "\(run.workdir.stepDirectory("mix"))/plan.json").count > 0)

        #expect(assign.docsIn == 560 && assign.addsUp)
        #expect(assign.rejectedBy[oversized] == skipped)
        let rejected = try run.documents(in: run.rejected("mix"))
        #expect(rejected.count == assign.docsRejected)
        #expect(rejected.filter { $0.metadata.value(atPath: "rejected_by")?.stringValue == oversized }.count == skipped)

        let output = try run.documents(in: run.output("mix"))
        #expect(Int64(output.count) == Int64(shuffle.docsKept) && shuffle.addsUp)
        #expect(Set(output.compactMap { $0.metadata["mix_phase"]?.stringValue }) == ["main", "cooldown"])
        // Every sampled document made it out, some of them more than once (max_epochs 2).
        let sampledIDs = Set(output.map(\.id))
        #expect(sampledIDs.count == assign.docsKept)
        #expect(output.count >= sampledIDs.count)
        #expect(Int64(Set(output.compactMap { $0.metadata["language"]?.stringValue }).count) <= languages)
        #expect(fileExists("\(run.output("mix"))/mix_report.json"))
    }

    /// The same input, seed and settings give the same bytes; another task count gives the
    /// same documents in each phase (each document's copies depend on it alone, not its task).
    @Test func isDeterministicAndIndependentOfTheTaskCount() throws {
        let first = try StageHarness("mix-a", steps: Self.steps(), maxDocBytes: Self.limit)
        let second = try StageHarness("mix-b", steps: Self.steps(), maxDocBytes: Self.limit)
        let fewer = try StageHarness("mix-c", steps: Self.steps(tasks: 2), maxDocBytes: Self.limit)
        for run in [first, second, fewer] { try run.run("mix") }
        let a = try first.files(under: first.output("mix"))
        #expect(!a.isEmpty)
        #expect(a == (try second.files(under: second.output("mix"))))

        func copies(_ run: StageHarness) throws -> [String] {
            try run.documents(in: run.output("mix")).map {
                "\($0.id) \($0.metadata["mix_phase"]?.stringValue ?? "") \($0.metadata["mix_copy"]?.displayText ?? "0")"
            }.sorted()
        }
        #expect(try copies(first) == copies(fewer))
    }
}
