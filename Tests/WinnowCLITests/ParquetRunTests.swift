import Foundation
import Testing

/// Parquet input through the real CLI: rows become documents, and a damaged Parquet shard
/// fails its own task, named by file, row group, column and page, while the others run.
@Suite struct ParquetRunTests {
    @Test func damagedParquetShardFailsAloneAndTheOthersRun() throws {
        let dir = try CLI.temporaryDirectory("parquet-run")
        let input = "\(dir)/input"
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        for name in ["000_00000.parquet", "001_00000.parquet"] {
            try FileManager.default.copyItem(atPath: "\(CLI.repoRoot)/Samples/parquet/\(name)", toPath: "\(input)/\(name)")
        }
        // A page of the text column with one byte changed: its CRC no longer matches.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(CLI.repoRoot)/Tests/WinnowCoreTests/Fixtures/parquet/codec-none-v1.parquet")))
        let needle = Array("plain ascii 0".utf8)
        let at = (0..<bytes.count - needle.count).first { Array(bytes[$0..<$0 + needle.count]) == needle }!
        bytes[at] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: "\(input)/damaged.parquet"))
        let path = try CLI.writePipeline("""
            name: parquet-run
            workdir: \(dir)/run
            input: [\(input)]
            retries: 0
            steps:
              - id: copy
                stage: filter
                from: input
                rules: []
            """, in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("damaged.parquet: row group 0, column 'text', page"), "\(result.stderr)")
        #expect(result.stderr.contains("the page checksum is wrong"))
        let status = try CLI.json(try CLI.run(["status", "\(dir)/run", "--json"]).stdout)
        let tasks = (status["steps"] as? [[String: Any]])?.first?["tasks"] as? [String: Int] ?? [:]
        #expect(tasks["done"] == 2)
        #expect(tasks["failed"] == 1)
        let output = try CLI.json(try CLI.run(["inspect", "\(dir)/run/copy/output/000_00000.jsonl.zst", "--json", "--head", "1"]).stdout)
        #expect(output["documents"] as? Int == 70)
        let first = (output["head"] as? [[String: Any]])?.first
        #expect((first?["id"] as? String)?.hasPrefix("<urn:uuid:") == true)
        #expect((first?["metadata"] as? [String: Any]).map { Set($0.keys) }
            == ["dump", "url", "date", "file_path", "language", "language_score", "token_count"])
    }
}
