import Foundation
import Testing
import WinnowCore
@testable import WinnowPipeline

/// How the Slurm executor plans what it queues at once (no cluster needed): every step whose
/// task count follows from counts known before it runs, each phase waiting for the phase
/// before it and for the steps its step depends on.
@Suite struct SlurmPlanTests {
    /// A stage that cannot say how many shards it will write.
    struct UnknownOutputs: Stage {
        func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int { 1 }
        func run(_ task: TaskAssignment) throws -> TaskStats { TaskStats() }
    }

    let yaml = """
        name: plan
        input: [in/*.jsonl.zst]
        steps:
          - id: filter
            stage: filter
            from: input
            rules: [{rule: length, min: 1}]
          - id: dedup
            stage: dedup
            from: filter
            method: exact
          - id: mix
            stage: mix
            from: dedup
            group_by: domain
            buckets: 2
            phases: [{name: main, fraction: 0.9}, {name: cooldown, fraction: 0.1}]
          - id: pack
            stage: pack
            from: mix
            tokenizer_step: tok
          - id: tok
            stage: tokenizer-train
            from: mix
            vocab_size: 300
          - id: opaque
            stage: unknown-outputs
            from: mix
          - id: last
            stage: filter
            from: opaque
            rules: [{rule: length, min: 1}]
        """

    @Test func stepsAreQueuedTogetherAsFarAsTheirTaskCountsAreKnown() throws {
        let dir = NSTemporaryDirectory() + "winnow-slurm-plan-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try makeDirectories("\(dir)/in")
        for k in 0..<3 { try writeFileAtomically("\(dir)/in/part-\(k).jsonl.zst", []) }
        var registry = StageRegistry.builtin
        registry.factories["unknown-outputs"] = { _ in UnknownOutputs() }
        let text = yaml.replacingOccurrences(of: "in/", with: "\(dir)/in/") + "\nworkdir: \(dir)/run\n"
        let pipeline = try Pipeline.parse(yaml: text, path: "\(dir)/plan.yaml", registry: registry)
        try writeFileAtomically(pipeline.path, Array(text.utf8))
        let run = try PipelineRun(pipeline: pipeline, options: ExecutionOptions())

        let wave = try SlurmExecutor.nextWave(pipeline.steps[...], run: run)
        // The mix writes 2 phases x 2 buckets; what reads the opaque step waits for it to finish.
        #expect(wave.map(\.step.id) == ["filter", "dedup", "mix", "tok", "pack", "opaque"])
        #expect(wave.map(\.inputShards) == [3, 3, 3, 4, 4, 4])

        let queued = StepsOnSlurm.queue(wave)
        let index = Dictionary(uniqueKeysWithValues: queued.enumerated().map { ($1.phase.ledgerID, $0) })
        func waits(_ id: String) -> [String] { queued[index[id]!].after.map { queued[$0].phase.ledgerID } }
        #expect(waits("filter") == [])
        #expect(waits("dedup#0") == ["filter"] && waits("dedup#3") == ["dedup#2"])
        #expect(waits("mix#0") == ["dedup#3"])
        #expect(waits("pack#0") == ["mix#3", "tok"], "pack waits for the mix it reads and the tokenizer it encodes with")
        #expect(queued[index["mix#3"]!].world == 2 && queued[index["mix#1"]!].world == 1)

        // Once the opaque step has finished, what reads it is planned from the shards it wrote.
        try makeDirectories("\(dir)/run/opaque/output")
        for k in 0..<5 { try writeFileAtomically("\(dir)/run/opaque/output/s\(k).jsonl.zst", []) }
        try run.ledger.planStep("opaque", stage: "unknown-outputs", world: 1, fingerprint: pipeline.step("opaque")!.fingerprint)
        try run.ledger.finishStep("opaque")
        let next = try SlurmExecutor.nextWave(pipeline.steps.dropFirst(6), run: run)
        #expect(next.map(\.step.id) == ["last"] && next.map(\.inputShards) == [5])
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func largePhasesAreSplitIntoArraysBelowTheLimit() {
        let arrays = StepsOnSlurm.arrays(Array(0..<14), limit: 5)
        #expect(arrays.map(\.offset) == [0, 5, 10] && arrays.map(\.ranks) == [Array(0..<5), Array(5..<10), Array(10..<14)])
        // Resubmitted stragglers of a large phase: ranks below the limit keep offset 0 (index = rank).
        let stragglers = StepsOnSlurm.arrays([2300, 3, 1500, 7, 1200], limit: 1001)
        #expect(stragglers.map(\.offset) == [0, 1200, 2300] && stragglers.map(\.ranks) == [[3, 7], [1200, 1500], [2300]])
    }

    @Test func jobListsAreShortSpans() {
        #expect(StepsOnSlurm.spans(["369", "356", "357", "358", "371"]) == "356-358, 369, 371")
    }
}
