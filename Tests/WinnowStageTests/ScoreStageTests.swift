import Testing
import WinnowCore

/// The score stage's corpus-wide cut: three phases, one threshold for all shards, nothing lost.
@Suite struct ScoreStageTests {
    let steps = """
          - id: score
            stage: score
            from: input
            model: \(languageModel)
            label: __label__en
            field: en
            top_fraction: 0.5
            top_by: documents
        """

    @Test func keepsTheTopFractionOfTheWholeCorpus() throws {
        let run = try StageHarness("score", steps: steps)
        let phases = try run.run("score")
        #expect(phases.count == 3)
        let (scoring, threshold, keeping) = (phases[0], phases[1], phases[2])
        #expect(scoring.docsIn == 560 && scoring.docsKept == 560 && scoring.addsUp)
        #expect(threshold.made["scores read"] == 560 && threshold.made["thresholds"] == 1)
        #expect(threshold.bytesIn == 560 * 12)  // one (Float32 score, Int64 weight) pair per document
        #expect(keeping.docsIn == 560 && keeping.addsUp)

        let report = try run.object(in: "\(run.workdir.stepDirectory("score"))/threshold.json")
        let cut = try #require(report["threshold"]?.doubleValue)
        let kept = try run.documents(in: run.output("score"))
        let rejected = try run.documents(in: run.rejected("score"))
        #expect(kept.count == keeping.docsKept && rejected.count == keeping.docsRejected)
        // Ties at the cut are kept, so at least half and every kept score clears it.
        #expect(kept.count >= 280)
        #expect(kept.allSatisfy { Float($0.metadata["en"]!.doubleValue!) >= Float(cut) })
        #expect(rejected.allSatisfy { Float($0.metadata["en"]!.doubleValue!) < Float(cut) })
        #expect(rejected.allSatisfy { $0.metadata.value(atPath: "rejected_by")?.stringValue == "score: not in the top 50%" })
        #expect(kept.contains { $0.metadata["language"]?.stringValue == "en" })
    }
}
