import Testing
@testable import WinnowCore

func parse(_ line: String, fallback: String = "shard/0") -> ParsedLine {
    var copy = line
    return copy.withUTF8 { DocumentCodec.parse(line: UnsafeRawBufferPointer($0), fallbackID: { fallback }) }
}

func encode(_ doc: Document) -> String {
    var out: [UInt8] = []
    DocumentCodec.encode(doc, into: &out)
    return String(decoding: out, as: UTF8.self)
}

@Suite struct DocumentCodecTests {
    let dolmaLine = #"{"id":"d1","source":"cc","text":"Hello\nworld","added":"2024-01-01","metadata":{"url":"https://a.example/x","score":0.50}}"#

    @Test func readsFieldsAndWritesUnchangedDocumentsVerbatim() throws {
        guard case let .document(doc) = parse(dolmaLine) else { Issue.record("not a document"); return }
        #expect(doc.id == "d1")
        #expect(doc.textString == "Hello\nworld")
        #expect(doc.metadata["url"] == .string("https://a.example/x"))
        #expect(doc.metadata["score"] == .number("0.50"))
        #expect(doc.otherFields.map(\.key) == ["source", "added"])
        #expect(!doc.edited)
        #expect(encode(doc) == dolmaLine)
    }

    @Test func keepsOtherFieldsInPlaceWhenEdited() throws {
        guard case var .document(doc) = parse(dolmaLine) else { Issue.record("not a document"); return }
        doc.metadata["language"] = .string("en")
        #expect(encode(doc) == #"{"id":"d1","source":"cc","text":"Hello\nworld","added":"2024-01-01","metadata":{"url":"https://a.example/x","score":0.50,"language":"en"}}"#)
    }

    @Test func givesAnIDToDocumentsWithoutOne() {
        guard case let .document(doc) = parse(#"{"text":"x","meta":1}"#, fallback: "part-0.jsonl/7") else {
            Issue.record("not a document"); return
        }
        #expect(doc.id == "part-0.jsonl/7")
        #expect(encode(doc) == #"{"id":"part-0.jsonl/7","text":"x","meta":1}"#)
    }

    @Test func acceptsNumericIDsAndNullMetadata() {
        guard case let .document(doc) = parse(#"{"id": 42, "text": "", "metadata": null}"#) else {
            Issue.record("not a document"); return
        }
        #expect(doc.id == "42")
        #expect(doc.metadata.isEmpty)
    }

    @Test(arguments: [
        (#"[1, 2]"#, "not a JSON object"),
        (#"{"id": "x"}"#, "no \"text\" field"),
        (#"{"text": 5}"#, "\"text\" is not a string"),
        (#"{"text": "a", "text": "b"}"#, "duplicate key \"text\""),
        (#"{"text": "a", "metadata": []}"#, "\"metadata\" is not an object"),
        (#"{"text": "a"} x"#, "unexpected bytes after the object"),
        (#"{"text": "a\ud800"}"#, "unpaired surrogate \\ud800 in a string"),
        (#"{"text": "a"#, "unterminated string"),
    ])
    func rejectsLinesThatAreNotDocuments(line: String, reason: String) {
        guard case let .invalid(got, _) = parse(line) else { Issue.record("accepted \(line)"); return }
        #expect(got == reason)
    }

    @Test func reportsInvalidUTF8WithItsOffset() {
        let bytes: [UInt8] = Array(#"{"text": "ab"#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        let parsed = bytes.withUnsafeBytes { DocumentCodec.parse(line: $0, fallbackID: { "x" }) }
        guard case let .invalid(reason, offset) = parsed else { Issue.record("accepted invalid UTF-8"); return }
        #expect(reason == "invalid UTF-8")
        #expect(offset == 12)
    }

    @Test func blankLinesAreNotDocuments() {
        guard case .blank = parse("   \r") else { Issue.record("blank line not recognised"); return }
    }
}
