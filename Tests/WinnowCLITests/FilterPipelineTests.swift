import Foundation
import Testing

/// The FineWeb-like recipe on the samples, through the CLI: language ID with the bundled
/// lid.176.ftz, then the quality rules; every document accounted for.
@Suite struct FilterPipelineTests {
    @Test func finewebLikeRecipeOnTheSamples() throws {
        let dir = try CLI.temporaryDirectory("fineweb")
        let yaml = try String(contentsOfFile: "\(CLI.repoRoot)/Pipelines/fineweb-like.yaml", encoding: .utf8)
            .replacingOccurrences(of: "workdir: runs/fineweb-like", with: "workdir: \(dir)/run")
            .replacingOccurrences(of: "input: [Samples/web/*.jsonl.zst]", with: "input: [Samples/web/part-00000.jsonl.zst]")
        let path = try CLI.writePipeline(yaml, in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        let status = try CLI.json(try CLI.run(["status", "\(dir)/run", "--json"]).stdout)
        let counters = (status["steps"] as? [[String: Any]])?.first?["counters"] as? [String: Any] ?? [:]
        let docsIn = counters["docs_in"] as? Int ?? 0, kept = counters["docs_kept"] as? Int ?? 0
        let rejected = counters["docs_rejected"] as? Int ?? 0
        #expect(docsIn == 140 && kept + rejected == 140)
        let reasons = counters["rejected_by"] as? [String: Int] ?? [:]
        #expect((reasons["language: not en"] ?? 0) > 50, "most sample pages are not English")
        // Grouped by the language the model found (English with a score of 0.65 or less is
        // rejected too, and counted as en).
        let groups = (counters["rejected_by_group"] as? [String: [String: Int]])?["language: not en"] ?? [:]
        #expect(groups.count > 5)
        let chars = counters["rejected_chars"] as? [String: Int] ?? [:]
        #expect((chars["language: not en"] ?? 0) > 0)
        // Every kept document was identified as English with a score above 0.65.
        let output = try CLI.json(try CLI.run(["inspect", "\(dir)/run/filter/output", "--json"]).stdout)
        #expect(output["documents"] as? Int == kept)
        let language = (output["metadata"] as? [String: Any])?["language"] as? [String: Any]
        #expect(language?["distinct_strings"] as? Int == 1)
        let score = (output["metadata"] as? [String: Any])?["language_score"] as? [String: Any]
        #expect(((score?["numbers"] as? [String: Double])?["min"] ?? 0) > 0.65)
        let text = try CLI.run(["status", "\(dir)/run"]).stdout
        #expect(text.contains("rejected by language: not en: "))
    }
}
