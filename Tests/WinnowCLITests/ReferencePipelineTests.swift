import Foundation
import Testing
import WinnowPipeline

/// The reference pipelines in Pipelines/ load as they are (every setting valid, every file they
/// name present), and the continual-pretraining one runs on the samples to its token shards.
@Suite struct ReferencePipelineTests {
    static let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(CLI.repoRoot)/Pipelines"))?
        .filter { $0.hasSuffix(".yaml") }.sorted() ?? []

    @Test func everyReferencePipelineLoads() throws {
        #expect(Self.files.contains("quickstart.yaml") && Self.files.contains("continual-pretraining.yaml"))
        for name in Self.files {
            let pipeline = try Pipeline.load(path: "\(CLI.repoRoot)/Pipelines/\(name)")
            #expect(!pipeline.steps.isEmpty, "\(name)")
            let text = try String(contentsOfFile: "\(CLI.repoRoot)/Pipelines/\(name)", encoding: .utf8)
            #expect(text.hasPrefix("#"), "\(name) is documented at the top")
        }
    }

    @Test func continualPretrainingMixesReplayAndEndsInShards() throws {
        let dir = try CLI.temporaryDirectory("cpt")
        var yaml = try String(contentsOfFile: "\(CLI.repoRoot)/Pipelines/continual-pretraining.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "workdir: runs/continual-pretraining", with: "workdir: \(dir)/run")
        let path = try CLI.writePipeline(yaml, in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(String(contentsOfFile: "\(dir)/run/mix/output/mix_report.json", encoding: .utf8))
        let main = ((report["phases"] as? [String: Any])?["main"] as? [String: Any])?["sources"] as? [String: [String: Any]] ?? [:]
        #expect((main["german"]?["target_weight"] as? Double).map { abs($0 - 0.75) < 1e-9 } == true)
        #expect((main["replay"]?["target_weight"] as? Double).map { abs($0 - 0.25) < 1e-9 } == true)
        for phase in ["main", "anneal"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/run/pack/output/train_\(phase)_text_document.bin"))
        }
    }
}
