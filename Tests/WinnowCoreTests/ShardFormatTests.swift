import Testing
@testable import WinnowCore

/// Shards are recognised by their bytes, not their names (issue 22's defects).
@Suite struct ShardFormatTests {
    /// `{"id":"a","text":"gzip named zst"}` gzip-compressed (Python's gzip, mtime 0).
    static let gzipDocument: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0xca, 0x4c, 0x51, 0xb2, 0x52, 0x4a, 0x54,
        0xd2, 0x51, 0x2a, 0x49, 0xad, 0x28, 0x01, 0x32, 0xd3, 0xab, 0x32, 0x0b, 0x14, 0xf2, 0x12, 0x73, 0x53, 0x53, 0x14,
        0xaa, 0x8a, 0x4b, 0x94, 0x6a, 0xb9, 0x00, 0xd3, 0xef, 0x11, 0x34, 0x23, 0x00, 0x00, 0x00,
    ]

    @Test func gzipNamedZstReadsAsGzip() throws {
        let dir = try temporaryDirectory("gz-as-zst")
        try writeFileAtomically("\(dir)/part.jsonl.zst", Self.gzipDocument)
        #expect(try ShardFormat.detect(path: "\(dir)/part.jsonl.zst") == .jsonl(.gzip))
        let (docs, invalid, _) = try readAll("\(dir)/part.jsonl.zst")
        #expect(invalid.isEmpty)
        #expect(docs.map(\.textString) == ["gzip named zst"])
    }

    @Test func zstdNamedJsonlReadsAsZstd() throws {
        let dir = try temporaryDirectory("zst-as-jsonl")
        let writer = try ShardWriter(path: "\(dir)/part.jsonl.zst")
        try writer.write(Document(id: "z", text: "zstd inside"))
        try writer.finish()
        rename("\(dir)/part.jsonl.zst", "\(dir)/part.jsonl")
        #expect(try readAll("\(dir)/part.jsonl").docs.map(\.textString) == ["zstd inside"])
    }

    @Test func byteOrderMarkBeforeTheFirstLineIsSkipped() throws {
        let dir = try temporaryDirectory("bom")
        try writeFileAtomically("\(dir)/part.jsonl", [0xEF, 0xBB, 0xBF] + Array("{\"id\":\"1\",\"text\":\"first\"}\n{\"id\":\"2\",\"text\":\"second\"}\n".utf8))
        let (docs, invalid, _) = try readAll("\(dir)/part.jsonl")
        #expect(invalid.isEmpty)
        #expect(docs.map(\.id) == ["1", "2"])
    }

    @Test func aDirectoryIsNeverAShard() throws {
        let dir = try temporaryDirectory("dir-shard")
        try makeDirectories("\(dir)/folder.jsonl.zst")
        #expect(throws: WinnowError.self) { try ShardFormat.detect(path: "\(dir)/folder.jsonl.zst") }
    }

    @Test func parquetIsRecognisedWhateverItsName() throws {
        let dir = try temporaryDirectory("parquet-name")
        let bytes = try readFile(ParquetFixtureTests.fixture("codec-snappy-v1"))
        try writeFileAtomically("\(dir)/data.bin", bytes)
        #expect(try ShardFormat.detect(path: "\(dir)/data.bin") == .parquet)
        try writeFileAtomically("\(dir)/cut.parquet", Array(bytes.prefix(bytes.count / 2)))
        #expect { try ShardFormat.detect(path: "\(dir)/cut.parquet") } throws: { "\($0)".contains("does not end with PAR1") }
    }
}
