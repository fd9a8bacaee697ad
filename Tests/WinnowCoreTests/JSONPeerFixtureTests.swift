import Testing
@testable import WinnowCore

/// Winnow's scanner against Python's json module on the lines in Fixtures/json-peer.jsonl
/// (made by Scripts/fixtures/json_peer.py).
@Suite struct JSONPeerFixtureTests {
    static let fixture = String(#filePath.dropLast("JSONPeerFixtureTests.swift".count)) + "Fixtures/json-peer.jsonl"

    @Test func readsWhatPythonReads() throws {
        let reader = try ShardReader(path: JSONPeerFixtureTests.fixture)
        var cases = 0
        while let record = try reader.next() {
            // Each fixture line holds the case's `line` beside Python's reading of it as the
            // wrapper's own id, text and metadata (written with ensure_ascii, so escaped).
            guard case let .document(wrapper, _) = record,
                  let raw = wrapper.otherFields.first(where: { $0.key == "line" })?.json,
                  case let .string(line) = try JSONValue.parse(raw) else {
                Issue.record("fixture line is not a case"); continue
            }
            guard case let .document(doc) = parse(line) else { Issue.record("rejected \(line)"); continue }
            #expect(doc.id == wrapper.id)
            #expect(doc.text == wrapper.text)
            #expect(doc.metadata == wrapper.metadata)
            #expect(encode(doc) == line, "an unchanged document must be written back verbatim")
            cases += 1
        }
        #expect(cases == 44)
    }

}
