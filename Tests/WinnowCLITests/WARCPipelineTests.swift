import Foundation
import Testing
import WinnowPipeline

/// FineWeb's recipe from raw WARC (Pipelines/fineweb-from-warc.yaml) through the real CLI, and
/// `winnow extract` on a page of the sample WARC.
@Suite struct WARCPipelineTests {
    @Test func fineWebFromWARCRunsOnTheSampleWARC() throws {
        let dir = try CLI.temporaryDirectory("fineweb-warc")
        var yaml = try String(contentsOfFile: "\(CLI.repoRoot)/Pipelines/fineweb-from-warc.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "workdir: runs/fineweb-from-warc", with: "workdir: \(dir)/run")
        let path = try CLI.writePipeline(yaml, in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        let status = try CLI.run(["status", "\(dir)/run", "--json"])
        let steps = try CLI.json(status.stdout)["steps"] as? [[String: Any]] ?? []
        func stats(_ id: String) -> [String: Any] {
            (steps.first { $0["step"] as? String == id }?["counters"] as? [String: Any]) ?? [:]
        }
        let extract = stats("extract")
        #expect(extract["docs_kept"] as? Int == 84)
        #expect((extract["skipped_by"] as? [String: Int])?["reader: WARC request record"] == 84)
        #expect((extract["skipped_by"] as? [String: Int])?["reader: WARC response image/png"] == 1)
        let filter = stats("filter")
        #expect(((filter["rejected_by"] as? [String: Int])?["language: not en"] ?? 0) > 50)
        #expect(((stats("pii")["made"] as? [String: Int])?["pii: pii_ips"] ?? 0) > 0)
    }

    @Test func extractCommandPrintsMainText() throws {
        let dir = try CLI.temporaryDirectory("extract-cli")
        let page = "\(dir)/page.html"
        try Data("""
            <html><head><title>T</title></head><body><nav><a href="/">Home</a></nav>
            <main><h1>Heading</h1><p>The words of the page.</p></main><footer>(c)</footer></body></html>
            """.utf8).write(to: URL(fileURLWithPath: page))
        let result = try CLI.run(["extract", "--title", page])
        #expect(result.status == 0)
        #expect(result.stdout == "title: T\nHeading\nThe words of the page.\n")
        try Data("<html><body><nav><a href=/>x</a></nav></body></html>".utf8).write(to: URL(fileURLWithPath: "\(dir)/empty.html"))
        let empty = try CLI.run(["extract", "\(dir)/empty.html"])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("no main content"))
    }
}
