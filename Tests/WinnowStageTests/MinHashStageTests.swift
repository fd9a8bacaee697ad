import Foundation
import Testing
import WinnowCore
import WinnowPipeline

/// MinHash dedup end to end on real pages: copies of sample pages with a few words changed are
/// found across shards and dropped in favour of the original; documents too short to shingle
/// and empty ones stay; and a run cut short in any phase resumes to the same bytes.
@Suite struct MinHashStageTests {
    /// English pages of the samples (300 words or more), as (id, text).
    static let pages: [(id: String, text: String)] = {
        var pages: [(String, String)] = []
        for path in try! expandGlob(sampleShards) {
            let reader = try! ShardReader(path: path)
            while let record = try! reader.next() {
                guard case let .document(doc, _) = record, doc.id.contains("/en-US/"),
                      doc.textString.split(separator: " ").count >= 300 else { continue }
                pages.append((doc.id, doc.textString))
            }
        }
        return pages
    }()

    /// `text` with every `step`-th word replaced.
    static func edited(_ text: String, every step: Int) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for i in stride(from: step / 2, to: words.count, by: step) { words[i] = "zzzedit\(i)" }
        return words.joined(separator: " ")
    }

    static func line(_ id: String, _ text: String) -> String {
        JSONWriter.string(.object(JSONObject([.init(key: "id", value: .string(id)), .init(key: "text", value: .string(text))])))
    }

    static func shards() -> [[String]] {
        let p = pages
        return [
            p[0..<6].map { line($0.id, $0.text) },
            p[6..<12].map { line($0.id, $0.text) } + [line("near-2", edited(p[2].text, every: 100)), line("copy-4", p[4].text)],
            [line("short", "only four words here"), line("empty", ""), line("near-2b", edited(p[2].text, every: 60))],
        ]
    }

    static let steps = """
          - id: dedup
            stage: dedup
            from: input
            method: minhash
        """

    @Test func findsPlantedNearDuplicatesAcrossShards() throws {
        #expect(Self.pages.count >= 12)
        let input = try StageHarness.writeShards("minhash", Self.shards())
        let run = try StageHarness("minhash", steps: Self.steps, input: input)
        let phases = try run.run("dedup")
        #expect(phases[0].made["signed documents"] == 15 && phases[0].made["documents shorter than one shingle"] == 2)
        #expect(phases[1].made["keys"] == Int64(15 * 14))
        #expect(phases[2].made["clusters"] == 2 && phases[2].made["duplicates"] == 3)
        #expect(phases[3].docsIn == 17 && phases[3].docsRejected == 3 && phases[3].addsUp)
        let dropped = try run.documents(in: run.rejected("dedup"))
        let pairs = Set(dropped.map { "\($0.id)->\($0.metadata["duplicate_of"]?.stringValue ?? "")" })
        #expect(pairs == ["near-2->\(Self.pages[2].id)", "near-2b->\(Self.pages[2].id)", "copy-4->\(Self.pages[4].id)"])
        #expect(dropped.allSatisfy { $0.metadata["rejected_by"]?.stringValue == "dedup: near duplicate" })
        let kept = try run.documents(in: run.output("dedup"))
        #expect(kept.count == 14 && kept.contains { $0.id == "short" } && kept.contains { $0.id == "empty" })
        #expect(kept.first { $0.id == Self.pages[2].id }?.metadata["minhash_cluster_size"]?.doubleValue == 3)
    }

    /// Every file a finished step leaves for readers: outputs and rejects.
    func results(_ run: StageHarness) throws -> [String: [UInt8]] {
        try run.files(under: run.output("dedup")).merging(
            try run.files(under: run.rejected("dedup")).map { ("rejected/" + $0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// A kill in phase `phase`: that phase's first task finished, its second left a temporary
    /// file (a write cut short) and, in phase 0, a stale run from an attempt with other runs;
    /// then every task of that phase and the later ones runs (what resuming does). The output
    /// is the uninterrupted run's, byte for byte.
    @Test(arguments: [0, 1, 2, 3])
    func aRunKilledInAnyPhaseResumesToTheSameBytes(phase: Int) throws {
        let input = try StageHarness.writeShards("minhash-kill", Self.shards())
        let whole = try StageHarness("minhash-whole", steps: Self.steps, input: input)
        try whole.run("dedup")
        let expected = try results(whole)
        #expect(expected.count == 5)

        let cut = try StageHarness("minhash-cut", steps: Self.steps, input: input)
        for earlier in 0..<phase { _ = try cut.run("dedup", phase: earlier, inputShards: 3) }
        _ = try TaskRunner.run(pipeline: cut.pipeline, stepID: "dedup", phase: phase, rank: 0, world: phase == 2 ? 1 : (phase == 1 ? 14 : 3))
        let step = cut.workdir.stepDirectory("dedup")
        try writeFileAtomically("\(step)/signatures/p0/00001-0.bin.tmp-999999", [1, 2, 3])
        try writeFileAtomically("\(step)/output/s1.jsonl.zst.tmp-999999", [1, 2, 3])
        if phase == 0 { try writeFileAtomically("\(step)/signatures/p3/00002-7.bin", [9, 9]) }
        for again in phase..<4 { _ = try cut.run("dedup", phase: again, inputShards: 3) }
        #expect(try results(cut) == expected)
        #expect(!fileExists("\(step)/signatures/p3/00002-7.bin"))
    }

    /// One task, two or one per shard, with the smallest memory: or the default: the same
    /// clusters, so the same bytes.
    @Test func outputIsTheSameForAnyTaskCountAndMemory() throws {
        let input = try StageHarness.writeShards("minhash-tasks", Self.shards())
        var outputs: [[String: [UInt8]]] = []
        for extra in ["", "tasks: 1", "tasks: 2\n    memory: 128MB"] {
            let run = try StageHarness("minhash-tasks", steps: Self.steps + "\n    " + extra, input: input)
            try run.run("dedup")
            outputs.append(try results(run))
        }
        #expect(outputs[0].count == 5 && outputs[0] == outputs[1] && outputs[1] == outputs[2])
    }
}
