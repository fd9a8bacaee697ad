import Testing
@testable import WinnowCore

/// The repository root, found from this file's path, for the committed samples.
let repoRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

func temporaryDirectory(_ name: String) throws -> String {
    var template = Array("/tmp/winnow-test-\(name)-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw WinnowError.io(path: "/tmp", operation: "mkdtemp", errno: errno) }
    return String(cString: made)
}

func readAll(_ path: String) throws -> (docs: [Document], invalid: [InvalidLine], blank: Int) {
    let reader = try ShardReader(path: path)
    var docs: [Document] = [], invalid: [InvalidLine] = []
    while let record = try reader.next() {
        switch record {
        case let .document(doc, _): docs.append(doc)
        case let .invalid(line): invalid.append(line)
        }
    }
    return (docs, invalid, reader.blankLines)
}

@Suite struct ShardIOTests {
    @Test func writesZstdAtomicallyAndReadsItBack() throws {
        let dir = try temporaryDirectory("zst")
        let path = "\(dir)/out/part.jsonl.zst"
        let writer = try ShardWriter(path: path)
        for i in 0..<5000 {
            try writer.write(Document(id: "d\(i)", text: "text \(i) é 中\n", metadata: JSONObject([.init(key: "i", value: JSONValue(i))])))
        }
        #expect(!fileExists(path), "nothing may appear under the final name before finish()")
        try writer.finish()
        #expect(fileExists(path))
        #expect(listDirectory("\(dir)/out") == ["part.jsonl.zst"])
        let (docs, invalid, _) = try readAll(path)
        #expect(invalid.isEmpty)
        #expect(docs.count == 5000)
        #expect(docs[4999].id == "d4999")
        #expect(docs[4999].textString == "text 4999 é 中\n")
    }

    /// A large document no stage edited goes to the compressor without a copy into the
    /// writer's buffer (issue 22's memory work): the file still holds every line, in order,
    /// byte for byte as read.
    @Test func largeUneditedDocumentsAreWrittenAsRead() throws {
        let dir = try temporaryDirectory("large")
        let big = "{\"text\":\"" + String(repeating: "large \\u00e9 ", count: 400_000) + "\",\"id\":\"big\",\"x\":[1, 2]}"
        let lines = ["{\"id\":\"a\",\"text\":\"small\"}", big, "{\"id\":\"c\",\"text\":\"after\"}"]
        try writeFileAtomically("\(dir)/in.jsonl", Array(lines.joined(separator: "\n").utf8))
        let (docs, _, _) = try readAll("\(dir)/in.jsonl")
        let writer = try ShardWriter(path: "\(dir)/out.jsonl.zst")
        for doc in docs { try writer.write(doc) }
        try writer.finish()
        #expect(writer.bytesWritten == Int64(lines.joined(separator: "\n").utf8.count + 1))
        let copy = try readAll("\(dir)/out.jsonl.zst").docs
        #expect(copy.map(\.id) == ["a", "big", "c"])
        #expect(copy.map(\.original) == docs.map(\.original))
    }

    @Test func abandonedWriterLeavesNothing() throws {
        let dir = try temporaryDirectory("abandon")
        do {
            let writer = try ShardWriter(path: "\(dir)/x.jsonl.zst")
            try writer.write(Document(id: "a", text: "b"))
        }
        #expect(listDirectory(dir).isEmpty)
    }

    @Test func linesSpanningChunksAndGrowingBuffers() throws {
        let dir = try temporaryDirectory("lines")
        let long = String(repeating: "ab", count: 100_000)
        let content = "{\"text\":\"short\"}\n{\"text\":\"\(long)\"}\n{\"text\":\"last, no newline\"}"
        try writeFileAtomically("\(dir)/a.jsonl", Array(content.utf8))
        let lines = LineReader(source: try FileSource(path: "\(dir)/a.jsonl"), chunkSize: 7)
        var lengths: [Int] = []
        while let n = try lines.nextLine({ $0.count }) { lengths.append(n) }
        #expect(lengths == [16, 200_011, 27])
    }

    @Test func readsGzip() throws {
        let (docs, invalid, _) = try readAll("\(repoRoot)/Samples/broken/good.jsonl.gz")
        #expect(invalid.isEmpty)
        #expect(docs.count == 30)
    }

    @Test func badLinesAreReportedWithTheirLineNumbers() throws {
        let (docs, invalid, blank) = try readAll("\(repoRoot)/Samples/broken/bad-lines.jsonl")
        #expect(docs.count == 13)
        #expect(blank == 1)
        #expect(invalid.map(\.lineNumber) == [3, 6, 8, 11, 13, 16])
        #expect(invalid.map(\.reason) == [
            "unterminated string", "not a JSON object", "no \"text\" field", "\"text\" is not a string",
            "invalid UTF-8", "unpaired surrogate \\ud800 in a string",
        ])
    }

    @Test func truncatedZstdNamesFileAndOffset() throws {
        let path = "\(repoRoot)/Samples/broken/truncated.jsonl.zst"
        do {
            let (docs, _, _) = try readAll(path)
            Issue.record("read \(docs.count) documents from a truncated file without an error")
        } catch let WinnowError.corruptStream(errorPath, offset, detail) {
            #expect(errorPath == path)
            #expect(offset == fileSize(path))
            #expect(detail.contains("truncated"))
        }
    }

    @Test func corruptGzipNamesFileAndOffset() throws {
        let path = "\(repoRoot)/Samples/broken/corrupt.jsonl.gz"
        do {
            _ = try readAll(path)
            Issue.record("read a corrupt gzip file without an error")
        } catch let WinnowError.corruptStream(errorPath, offset, detail) {
            #expect(errorPath == path)
            #expect(offset > 0 && offset <= fileSize(path))
            #expect(detail.contains("gzip data is corrupt"))
        }
    }

    @Test func handlesA200MBDocument() throws {
        let dir = try temporaryDirectory("big")
        let path = "\(dir)/big.jsonl"
        // 200 MB of text with escapes, written in pieces to keep the test's own memory modest.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let piece = Array(String(repeating: "word é \\n ", count: 100_000).utf8) // 1.1 MB
        _ = "{\"id\":\"big\",\"text\":\"".withCString { write(fd, $0, strlen($0)) }
        var written = 0
        while written < 200_000_000 {
            _ = piece.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            written += piece.count
        }
        _ = "\"}\n{\"text\":\"small\"}\n".withCString { write(fd, $0, strlen($0)) }
        close(fd)
        let reader = try ShardReader(path: path)
        guard case let .document(big, _)? = try reader.next() else { Issue.record("big document not read"); return }
        #expect(big.id == "big")
        #expect(big.text.count == written / 11 * 10)
        guard case let .document(small, line)? = try reader.next() else { Issue.record("next document not read"); return }
        #expect(small.textString == "small")
        #expect(line == 2)
        unlink(path)
    }
}
