import Testing
@testable import WinnowCore

@Suite struct JSONScannerTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(#" {"a": [1, -2.5e3, true, false, null, "x"], "b": {"c": {}} , "d": []} "#)
        #expect(value == .object(JSONObject([
            .init(key: "a", value: .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null, .string("x")])),
            .init(key: "b", value: .object(JSONObject([.init(key: "c", value: .object(JSONObject()))]))),
            .init(key: "d", value: .array([])),
        ])))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue.parse(#""a\"b\\c\/d\b\f\n\r\t \u00e9 \u4e2d \ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/d\u{8}\u{c}\n\r\t é 中 😀"))
    }

    @Test func keepsNumbersAsWritten() throws {
        #expect(try JSONValue.parse("1.50") == .number("1.50"))
        #expect(try JSONValue.parse("12345678901234567890") == .number("12345678901234567890"))
        // Python's json module writes these; we read them rather than reject whole corpora.
        #expect(try JSONValue.parse("NaN") == .number("NaN"))
        #expect(try JSONValue.parse("-Infinity") == .number("-Infinity"))
    }

    @Test(arguments: [
        ("{\"a\":1,}", "expected a string"),
        ("[1 2]", "expected ',' or ']'"),
        ("01", "unexpected bytes after the value"),
        ("1.", "invalid number"),
        ("-", "invalid number"),
        ("\"abc", "unterminated string"),
        ("\"a\u{1}b\"", "control character 0x1 inside a string"),
        ("\"\\x\"", "invalid escape \\x"),
        ("\"\\u12G4\"", "invalid \\u escape"),
        ("\"\\ud800\"", "unpaired surrogate \\ud800 in a string"),
        ("\"\\udc00\\ud800\"", "unpaired surrogate \\udc00 in a string"),
        ("tru", "invalid literal"),
        ("{\"a\" 1}", "expected ':'"),
    ])
    func rejectsMalformedJSON(text: String, message: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
        do { _ = try JSONValue.parse(text) } catch let error as JSONSyntaxError {
            #expect(error.message == message)
        } catch {}
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(deep) }
    }

    @Test func writerEscapesMinimallyAndRoundTrips() throws {
        let text = "tab\there \"quoted\" back\\slash \u{1} é 中 😀\n"
        var out: [UInt8] = []
        JSONWriter.appendString(text, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""tab\there \"quoted\" back\\slash \u0001 é 中 😀\n""#)
        #expect(try out.withUnsafeBytes { try JSONValue.parse($0) } == .string(text))
    }
}

@Suite struct UTF8ValidationTests {
    @Test(arguments: [
        ([0x61, 0x62], nil),
        ([0xC3, 0xA9], nil),                     // é
        ([0xF0, 0x9F, 0x98, 0x80], nil),         // 😀
        ([0x61, 0xFF], 1),                       // never valid
        ([0xC0, 0xAF], 0),                       // overlong '/'
        ([0xE0, 0x80, 0xAF], 0),                 // overlong
        ([0xED, 0xA0, 0x80], 0),                 // encoded surrogate U+D800
        ([0xF4, 0x90, 0x80, 0x80], 0),           // above U+10FFFF
        ([0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xE4, 0xB8], 8), // truncated after an ASCII word
    ] as [([UInt8], Int?)])
    func findsTheFirstInvalidByte(bytes: [UInt8], expected: Int?) {
        #expect(bytes.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0) } == expected)
    }
}
