import Testing
import WinnowCore
@testable import WinnowPipeline

/// What a step's `input:` patterns sweep up: shard files, never folders; Parquet files and
/// folders of them; and the Parquet row settings.
@Suite struct StepInputsTests {
    func pipeline(input: String, extra: String = "") throws -> Pipeline {
        try load("""
            name: inputs
            input: [\(input)]
            \(extra)
            steps:
              - id: f
                stage: filter
                from: input
                rules:
                  - rule: length
                    min: 1
            """)
    }

    @Test func aFolderNamedLikeAShardIsNotSweptUp() throws {
        var template = Array("/tmp/winnow-test-inputs-XXXXXX".utf8CString)
        let dir = String(cString: mkdtemp(&template)!)
        try writeFileAtomically("\(dir)/a.jsonl.zst", [])
        try writeFileAtomically("\(dir)/b.parquet", [])
        try makeDirectories("\(dir)/c.jsonl.zst")
        try writeFileAtomically("\(dir)/README.md", [])
        let p = try pipeline(input: "\(dir)/*")
        #expect(try StepInputs.shards(for: p.steps[0], in: p) == ["\(dir)/a.jsonl.zst", "\(dir)/b.parquet"])
        let folder = try pipeline(input: dir)
        #expect(try StepInputs.shards(for: folder.steps[0], in: folder) == ["\(dir)/a.jsonl.zst", "\(dir)/b.parquet"])
    }

    @Test func rowSettingsAreRead() throws {
        let p = try pipeline(input: "x.parquet", extra: "text_key: content\nid_key: uid\ncolumns: [url, lang]")
        #expect(p.rows == RowMapping(textKey: "content", idKey: "uid", columns: ["url", "lang"]))
        #expect(try pipeline(input: "x.parquet").rows == RowMapping())
    }
}
