/// The named fields of a WARC record's or an HTTP message's header: `Name: value` lines, names
/// compared without case, continuation lines (starting with a space or tab) joined to the field
/// before. A line without a colon (the `WARC/1.0` or `HTTP/1.1 200` first line) is the start line.
struct WARCHeaders {
    /// The first line, without its line break.
    private(set) var startLine = ""
    /// Fields in order, names lower-cased.
    private(set) var fields: [(name: String, value: String)] = []

    init(parsing bytes: ArraySlice<UInt8>) {
        var lineStart = bytes.startIndex
        var first = true
        while lineStart < bytes.endIndex {
            var lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.endIndex
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = bytes[lineStart..<lineEnd]
            defer { lineStart = next }
            if first {
                first = false
                startLine = Self.text(line, lowercased: false)
                continue
            }
            if line.isEmpty { continue }
            if line.first == 0x20 || line.first == 0x09, !fields.isEmpty {
                fields[fields.count - 1].value += " " + Self.text(line, lowercased: false)
                continue
            }
            guard let colon = line.firstIndex(of: 0x3A) else { continue }
            fields.append((Self.text(line[..<colon], lowercased: true), Self.text(line[(colon + 1)...], lowercased: false)))
        }
    }

    /// The value of the first field named `name` (lower case).
    subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Header bytes without surrounding spaces and tabs, as text (ASCII by the standards; other
    /// bytes are read as UTF-8, with U+FFFD for what does not decode).
    private static func text(_ bytes: ArraySlice<UInt8>, lowercased: Bool) -> String {
        var lower = bytes.startIndex, upper = bytes.endIndex
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        let trimmed = bytes[lower..<upper]
        guard lowercased else { return String(decoding: trimmed, as: UTF8.self) }
        return String(decoding: trimmed.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

extension WARCHeaders {
    /// The header as text again (for `rejected/` when the block is not kept).
    var text: String {
        ([startLine] + fields.map { "\($0.name): \($0.value)" }).joined(separator: "\r\n")
    }
}
