/// A syntax error inside one JSON text, with the byte offset where it was found.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    public var offset: Int
    public var message: String
}

/// A byte-level JSON scanner over one line. It validates everything it passes over (strict
/// RFC 8259, plus Python's `NaN`/`Infinity` literals) but builds values only where asked, so
/// fields a stage never looks at cost a scan, not an allocation.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos = 0
    static let maxDepth = 512

    init(_ bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no address; point at a static byte so reads stay in bounds.
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? JSONScanner.emptyBase
        end = bytes.count
    }

    nonisolated(unsafe) private static let emptyBase: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    func fail(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? pos, message: message)
    }

    var atEnd: Bool { pos >= end }
    var peek: UInt8 { pos < end ? base[pos] : 0 }

    mutating func skipWhitespace() {
        while pos < end {
            let b = base[pos]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { pos += 1 } else { return }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipWhitespace()
        guard pos < end, base[pos] == byte else {
            throw fail(pos < end ? "expected \(what)" : "unexpected end of line, expected \(what)")
        }
        pos += 1
    }

    /// Scans a string starting at its opening quote. Returns the content's range (between the
    /// quotes) and whether it holds escapes. Escapes are checked for form here; surrogate
    /// pairing is checked when a string is decoded.
    mutating func scanString() throws -> (range: Range<Int>, escaped: Bool) {
        guard pos < end, base[pos] == UInt8(ascii: "\"") else { throw fail("expected a string") }
        let start = pos + 1
        var i = start
        var escaped = false
        while true {
            i = ByteScan.first(in: base, from: i, end: end, mask: ByteScan.stringSpecials,
                               byte: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 })
            guard i < end else { throw fail("unterminated string", at: start - 1) }
            let b = base[i]
            if b == 0x22 {
                pos = i + 1
                return (start..<i, escaped)
            }
            if b < 0x20 { throw fail("control character 0x\(String(b, radix: 16)) inside a string", at: i) }
            escaped = true
            guard i + 1 < end else { throw fail("unterminated escape", at: i) }
            switch base[i + 1] {
            case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
            case 0x75:
                guard i + 6 <= end, (2..<6).allSatisfy({ JSONScanner.hexValue(base[i + $0]) != nil }) else {
                    throw fail("invalid \\u escape", at: i)
                }
                i += 6
            default:
                throw fail("invalid escape \\\(Character(Unicode.Scalar(base[i + 1])))", at: i)
            }
        }
    }

    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    /// Appends the decoded UTF-8 bytes of a scanned string's content to `out`.
    func decodeString(_ range: Range<Int>, escaped: Bool, into out: inout [UInt8]) throws {
        if !escaped {
            out.append(contentsOf: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
            return
        }
        var i = range.lowerBound
        while i < range.upperBound {
            let next = ByteScan.first(in: base, from: i, end: range.upperBound, mask: ByteScan.backslashes,
                                      byte: { $0 == 0x5C })
            if next > i { out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: next - i)) }
            i = next
            if i >= range.upperBound { break }
            let kind = base[i + 1]
            i += 2
            switch kind {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            default: // u
                var scalar = hex4(at: i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 6 <= range.upperBound, base[i] == 0x5C, base[i + 1] == 0x75,
                          case let low = hex4(at: i + 2), (0xDC00...0xDFFF).contains(low) else {
                        throw fail("unpaired surrogate \\u\(String(scalar, radix: 16)) in a string", at: i - 6)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail("unpaired surrogate \\u\(String(scalar, radix: 16)) in a string", at: i - 6)
                }
                appendUTF8(scalar, to: &out)
            }
        }
    }

    private func hex4(at i: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 4 | JSONScanner.hexValue(base[i + $1])! }
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6)); out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12)); out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18)); out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Decodes a scanned string into a Swift String.
    func decodeString(_ range: Range<Int>, escaped: Bool) throws -> String {
        if !escaped {
            return String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count),
                          as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count)
        try decodeString(range, escaped: true, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True if the bytes at `pos` spell `word`; advances past it.
    mutating func consumeLiteral(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard pos + n <= end, memcmp(base + pos, word.utf8Start, n) == 0 else { return false }
        pos += n
        return true
    }

    /// Scans a number (or NaN/Infinity literal) and returns its text's range.
    mutating func scanNumber() throws -> Range<Int> {
        let start = pos
        if consumeLiteral("NaN") || consumeLiteral("Infinity") || consumeLiteral("-Infinity") {
            return start..<pos
        }
        func digits(_ s: inout JSONScanner) -> Int {
            let from = s.pos
            while s.pos < s.end, (0x30...0x39).contains(s.base[s.pos]) { s.pos += 1 }
            return s.pos - from
        }
        if peek == 0x2D { pos += 1 }
        if peek == 0x30 { pos += 1 } else if digits(&self) == 0 { throw fail("invalid number", at: start) }
        if peek == 0x2E {
            pos += 1
            if digits(&self) == 0 { throw fail("invalid number", at: start) }
        }
        if peek == 0x65 || peek == 0x45 {
            pos += 1
            if peek == 0x2B || peek == 0x2D { pos += 1 }
            if digits(&self) == 0 { throw fail("invalid number", at: start) }
        }
        return start..<pos
    }

    /// Validates and skips one value of any kind.
    mutating func skipValue(depth: Int = 0) throws {
        skipWhitespace()
        guard pos < end else { throw fail("unexpected end of line, expected a value") }
        switch base[pos] {
        case 0x22: _ = try scanString()
        case 0x7B, 0x5B:
            let close: UInt8 = base[pos] == 0x7B ? 0x7D : 0x5D
            let isObject = close == 0x7D
            guard depth < JSONScanner.maxDepth else { throw fail("nesting deeper than \(JSONScanner.maxDepth)") }
            pos += 1
            skipWhitespace()
            if peek == close { pos += 1; return }
            while true {
                if isObject {
                    skipWhitespace()
                    _ = try scanString()
                    try expect(0x3A, "':'")
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard pos < end else { throw fail("unexpected end of line inside \(isObject ? "an object" : "an array")") }
                if base[pos] == 0x2C { pos += 1; continue }
                if base[pos] == close { pos += 1; return }
                throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
        case 0x74: if !consumeLiteral("true") { throw fail("invalid literal") }
        case 0x66: if !consumeLiteral("false") { throw fail("invalid literal") }
        case 0x6E: if !consumeLiteral("null") { throw fail("invalid literal") }
        default: _ = try scanNumber()
        }
    }

    /// Parses one value into a JSONValue.
    mutating func parseValue(depth: Int = 0) throws -> JSONValue {
        skipWhitespace()
        guard pos < end else { throw fail("unexpected end of line, expected a value") }
        switch base[pos] {
        case 0x22:
            let (range, escaped) = try scanString()
            return .string(try decodeString(range, escaped: escaped))
        case 0x7B:
            return .object(try parseObject(depth: depth))
        case 0x5B:
            guard depth < JSONScanner.maxDepth else { throw fail("nesting deeper than \(JSONScanner.maxDepth)") }
            pos += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if peek == 0x5D { pos += 1; return .array(items) }
            while true {
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard pos < end else { throw fail("unexpected end of line inside an array") }
                if base[pos] == 0x2C { pos += 1; continue }
                if base[pos] == 0x5D { pos += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        case 0x74: if consumeLiteral("true") { return .bool(true) }
        case 0x66: if consumeLiteral("false") { return .bool(false) }
        case 0x6E: if consumeLiteral("null") { return .null }
        default:
            let range = try scanNumber()
            return .number(String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count),
                                  as: UTF8.self))
        }
        throw fail("invalid literal")
    }

    /// Parses an object starting at its `{`.
    mutating func parseObject(depth: Int = 0) throws -> JSONObject {
        try expect(0x7B, "'{'")
        guard depth < JSONScanner.maxDepth else { throw fail("nesting deeper than \(JSONScanner.maxDepth)") }
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if peek == 0x7D { pos += 1; return JSONObject(members) }
        while true {
            skipWhitespace()
            let (range, escaped) = try scanString()
            let key = try decodeString(range, escaped: escaped)
            try expect(0x3A, "':'")
            members.append(.init(key: key, value: try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard pos < end else { throw fail("unexpected end of line inside an object") }
            if base[pos] == 0x2C { pos += 1; continue }
            if base[pos] == 0x7D { pos += 1; return JSONObject(members) }
            throw fail("expected ',' or '}'")
        }
    }
}

extension JSONValue {
    /// Parses a complete JSON text (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            throw JSONSyntaxError(offset: bad, message: "invalid UTF-8")
        }
        var scanner = JSONScanner(bytes)
        let value = try scanner.parseValue()
        scanner.skipWhitespace()
        if !scanner.atEnd { throw scanner.fail("unexpected bytes after the value") }
        return value
    }

    public static func parse(_ text: String) throws -> JSONValue {
        var copy = text
        return try copy.withUTF8 { try parse(UnsafeRawBufferPointer($0)) }
    }
}
