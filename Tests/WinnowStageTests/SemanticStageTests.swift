import Foundation
import Testing
import WinnowCore

/// Semantic dedup (SemDeDup on CPUs) with a small fastText model made by the real fastText
/// (Tests/WinnowClassifierTests/Fixtures/softmax.bin): copies of sample pages with a word in a
/// hundred changed are at least 0.999 similar to their page, different pages at most 0.99.
@Suite struct SemanticStageTests {
    static let model = "\(repoRoot)/Tests/WinnowClassifierTests/Fixtures/softmax.bin"

    static func steps(_ extra: String = "") -> String {
        """
          - id: dedup
            stage: dedup
            from: input
            method: semantic
            model: \(model)
            clusters: 3
            threshold: 0.995
        \(extra.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    static func shards() -> [[String]] {
        let p = MinHashStageTests.pages
        let line = MinHashStageTests.line
        return [
            p[0..<6].map { line($0.id, $0.text) } + [line("empty", "")],
            p[6..<12].map { line($0.id, $0.text) } + [line("copy-2", MinHashStageTests.edited(p[2].text, every: 100)),
                                                      line("copy-4", MinHashStageTests.edited(p[4].text, every: 100))],
        ]
    }

    func results(_ run: StageHarness) throws -> [String: [UInt8]] {
        try run.files(under: run.output("dedup")).merging(
            try run.files(under: run.rejected("dedup")).map { ("rejected/" + $0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func nearCopiesAreDroppedForTheirPage() throws {
        let input = try StageHarness.writeShards("semantic", Self.shards())
        let run = try StageHarness("semantic", steps: Self.steps(), input: input)
        let phases = try run.run("dedup")
        // An empty text still has fastText's end-of-line token, so it has a vector.
        #expect(phases[0].made["embedded documents"] == 15 && phases[0].made["documents without a vector"] == nil)
        #expect(phases[1].made["clusters"] == 3 && phases[2].made["duplicates"] == 2)
        #expect(phases[3].docsIn == 15 && phases[3].docsRejected == 2 && phases[3].addsUp)
        let dropped = try run.documents(in: run.rejected("dedup"))
        let pages = MinHashStageTests.pages
        #expect(Set(dropped.map { "\($0.id)->\($0.metadata["duplicate_of"]?.stringValue ?? "")" })
                == ["copy-2->\(pages[2].id)", "copy-4->\(pages[4].id)"])
        #expect(dropped.allSatisfy { ($0.metadata["semantic_similarity"]?.doubleValue ?? 0) >= 0.999 })
    }

    /// sgemm or a plain loop, one task or two: the same decisions, so the same bytes.
    @Test func blasAndLoopAndTaskCountsAgree() throws {
        let input = try StageHarness.writeShards("semantic-same", Self.shards())
        var outputs: [[String: [UInt8]]] = []
        for extra in ["", "similarity: loop", "tasks: 1\nbuckets: 2"] {
            let run = try StageHarness("semantic-same", steps: Self.steps(extra), input: input)
            try run.run("dedup")
            outputs.append(try results(run))
        }
        #expect(outputs[0].count == 3 && outputs[0] == outputs[1] && outputs[1] == outputs[2])
    }

    @Test func aModelIsRequired() throws {
        #expect { try StageHarness("semantic-nomodel", steps: """
              - id: dedup
                stage: dedup
                from: input
                method: semantic
            """) } throws: { "\($0)".contains("semantic needs model:") }
    }
}
