import Glibc
import Testing
@testable import WinnowCore

/// Winnow's Parquet writer against files pyarrow has read: Fixtures/parquet-written/ holds, for
/// each case, the file this writer made from documents.jsonl and pyarrow's reading of it
/// (CASE.pyarrow.json), both made by Scripts/fixtures/parquet_written.py, which checked every
/// row. Writing the same documents must give the same bytes. With WINNOW_WRITE_PARQUET_FIXTURES
/// set (by that script) the files are written there instead.
@Suite struct ParquetWrittenFixtureTests {
    static let directory = String(#filePath.dropLast("ParquetWrittenFixtureTests.swift".count)) + "Fixtures/parquet-written"

    static let schema = ParquetDocumentSchema(declared: [
        .init(key: "lang", type: .string), .init(key: "url", type: .string), .init(key: "count", type: .int64),
        .init(key: "score", type: .double), .init(key: "flag", type: .boolean), .init(key: "tags", type: .json),
    ])

    static let cases: [(name: String, options: ParquetWriteOptions)] = [
        ("zstd-small-pages", ParquetWriteOptions(codec: .zstd, level: 3, rowGroupSize: .rows(16), pageSize: 512, writeBatchSize: 4, dictionaryLimit: 200)),
        ("snappy", ParquetWriteOptions(codec: .snappy)),
        ("gzip-byte-row-groups", ParquetWriteOptions(codec: .gzip, level: 6, rowGroupSize: .bytes(4096))),
        ("none-no-dictionary", ParquetWriteOptions(codec: .uncompressed, dictionaryLimit: 0)),
        ("zstd-v2-pages", ParquetWriteOptions(codec: .zstd, level: 1, rowGroupSize: .rows(25), pageSize: 700, writeBatchSize: 3, dictionaryLimit: 300, pageVersion: 2)),
        ("none-v2-pages", ParquetWriteOptions(codec: .uncompressed, pageSize: 900, writeBatchSize: 5, pageVersion: 2)),
    ]

    static func documents() throws -> [Document] {
        let reader = try ShardReader(path: "\(directory)/documents.jsonl")
        var docs: [Document] = []
        while let record = try reader.next() {
            guard case let .document(doc, _) = record else { throw WinnowError.invalid("fixture line is not a document") }
            docs.append(doc)
        }
        return docs
    }

    @Test(arguments: cases.map(\.name))
    func writesTheBytesPyarrowRead(_ name: String) throws {
        let options = Self.cases.first { $0.name == name }!.options
        let docs = try Self.documents()
        #expect(docs.count == 40)
        let target = getenv("WINNOW_WRITE_PARQUET_FIXTURES").map { String(cString: $0) }
        let directory = try target ?? temporaryDirectory("parquet-written")
        let path = "\(directory)/\(name).parquet"
        let writer = try ParquetDocumentWriter(path: path, schema: Self.schema, options: options)
        for doc in docs { try writer.write(doc) }
        try writer.finish()
        guard target == nil else { return }
        let committed = try readFile("\(Self.directory)/\(name).parquet")
        #expect(try readFile(path) == committed, "\(name): the writer's bytes changed; rerun Scripts/fixtures/parquet_written.py to check them with pyarrow")
    }

    @Test func abandonedWriterLeavesNothing() throws {
        let directory = try temporaryDirectory("parquet-abandoned")
        do {
            let writer = try ParquetDocumentWriter(path: "\(directory)/a.parquet", schema: Self.schema, options: ParquetWriteOptions())
            for doc in try Self.documents() { try writer.write(doc) }
        }
        #expect(listDirectory(directory).isEmpty)
    }
}
