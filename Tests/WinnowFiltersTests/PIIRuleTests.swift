import Testing
import WinnowCore
@testable import WinnowFilters

/// `rule: pii` against datatrove's PIIFormatter on the same texts (Scripts/fixtures/pii.py).
@Suite struct PIIRuleTests {
    func rewrite(_ rule: PIIRule, _ text: String) -> (String, JSONObject) {
        var measured = JSONObject()
        let doc = Document(id: "d", text: text)
        let result = rule.check(doc, analysis: DocumentAnalysis(doc, wordSplitting: .auto, tools: RuleTools()), measured: &measured)
        if case let .passRewritten(new) = result { return (String(decoding: new.utf8, as: UTF8.self), measured) }
        #expect(result == .pass)
        return (text, measured)
    }

    @Test func replacesWhatDatatroveReplaces() throws {
        let fixture = "\(#filePath.split(separator: "/").dropLast().joined(separator: "/"))/Fixtures/pii.json"
        guard case let .array(cases) = try readFile("/" + fixture).withUnsafeBytes({ try JSONValue.parse($0) }) else { Issue.record("fixture"); return }
        #expect(cases.count == 13)
        // datatrove looks for IPv4 only.
        let rule = PIIRule(ipv6: false)
        for item in cases {
            guard case let .object(o) = item, let text = o["text"]?.stringValue, let expected = o["expected"]?.stringValue else { continue }
            #expect(rewrite(rule, text).0 == expected)
        }
    }

    @Test func countsAndIPv6() {
        let (text, measured) = rewrite(PIIRule(), "a@example.com at 2606:2800:220:1:248:1893:25c8:1946, not fe80::1 or ::1 or 12:30:45")
        #expect(text == "email@example.com at 22.214.171.124, not fe80::1 or ::1 or 12:30:45")
        #expect(measured["pii_emails"] == JSONValue(1))
        #expect(measured["pii_ips"] == JSONValue(1))
    }
}
