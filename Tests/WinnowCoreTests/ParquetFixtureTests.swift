import Testing
@testable import WinnowCore

/// Every Parquet fixture pyarrow wrote (Scripts/fixtures/parquet_files.py) reads, row by row,
/// as the JSON pyarrow's own reading of it gives under Winnow's type mapping.
@Suite struct ParquetFixtureTests {
    static let directory = repoRoot + "/Tests/WinnowCoreTests/Fixtures/parquet"

    static func fixture(_ name: String) -> String { "\(directory)/\(name).parquet" }

    static var names: [String] {
        listDirectory(directory).filter { $0.hasSuffix(".parquet") }.map { String($0.dropLast(".parquet".count)) }.sorted()
    }

    @Test func fixturesCoverCodecsEncodingsVersionsAndNesting() {
        let names = Self.names
        #expect(names.count >= 40)
        for codec in ["none", "snappy", "gzip", "brotli", "lz4", "zstd"] { #expect(names.contains("codec-\(codec)-v2")) }
        for encoding in ["dict", "plain", "delta", "split"] { #expect(names.contains("flat-\(encoding)-v1-null")) }
        #expect(names.contains("nested-plain-v2-req"))
    }

    @Test(arguments: ParquetFixtureTests.names)
    func rowsMatchPyarrow(name: String) throws {
        let expected = try String(decoding: readFile("\(Self.directory)/\(name).jsonl"), as: UTF8.self)
            .split(separator: "\n").map { try JSONValue.parse(String($0)) }
        var rows: [JSONValue] = []
        try ParquetInspection.rows(path: Self.fixture(name)) { rows.append(.object($0)) }
        #expect(rows.count == expected.count)
        for (i, (ours, theirs)) in zip(rows, expected).enumerated() {
            #expect(Self.same(ours, theirs), "\(name) row \(i): \(ours.displayText.prefix(300)) vs \(theirs.displayText.prefix(300))")
        }
    }

    /// Equal values; numbers compare by value (`3` and `3.0`), and NaN equals NaN.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)):
            if x == y { return true }
            guard let dx = Double(x), let dy = Double(y) else { return false }
            return dx == dy || (dx.isNaN && dy.isNaN)
        case let (.array(x), .array(y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case let (.object(x), .object(y)):
            return x.members.map(\.key) == y.members.map(\.key) && zip(x.members, y.members).allSatisfy { same($0.value, $1.value) }
        default:
            return a == b
        }
    }

    @Test func rowsBecomeDocumentsAsDatatroveDoes() throws {
        let reader = try ShardReader(path: Self.fixture("codec-zstd-v1"))
        #expect(reader.format == .parquet)
        var docs: [Document] = [], invalid: [InvalidLine] = []
        while let record = try reader.next() {
            switch record {
            case let .document(doc, _): docs.append(doc)
            case let .invalid(line): invalid.append(line)
            }
        }
        // Every 7th text is null in this fixture (rows 1, 8, 15, 22): those rows are not documents.
        #expect(invalid.map(\.lineNumber) == [2, 9, 16, 23])
        #expect(invalid.allSatisfy { $0.reason == "\"text\" is null" })
        #expect(docs.count == 20)
        #expect(docs[0].id == "doc-0" && docs[0].textString == "plain ascii 0")
        #expect(docs[0].metadata["id"] == nil && docs[0].metadata["text"] == nil)
        #expect(docs[0].metadata["lang"] == .string("en"))
        #expect(docs[0].metadata.count == 27)
    }

    @Test func columnsAndKeysChooseWhatADocumentHolds() throws {
        let reader = try ShardReader(path: Self.fixture("flat-plain-v1-req"),
                                     rows: RowMapping(textKey: "lang", idKey: "nope", columns: ["i32", "day"]))
        guard case let .document(doc, _)? = try reader.next() else { Issue.record("no document"); return }
        #expect(doc.textString == "en")
        #expect(doc.id == "flat-plain-v1-req.parquet/0")
        #expect(doc.metadata.members.map(\.key) == ["i32", "day"])
        #expect(doc.metadata["day"] == .string("1900-01-01"))
        #expect { try ShardReader(path: Self.fixture("all-null"), rows: RowMapping(columns: ["missing"])) } throws: {
            "\($0)".contains("has no column 'missing'")
        }
        #expect { try ShardReader(path: Self.fixture("all-null"), rows: RowMapping(textKey: "body")) } throws: {
            "\($0)".contains("has no column 'body'")
        }
    }
}
