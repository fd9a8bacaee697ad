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
                startLine = Self.text(line)
                continue
            }
            if line.isEmpty { continue }
            if line.first == 0x20 || line.first == 0x09, !fields.isEmpty {
                fields[fields.count - 1].value += " " + Self.text(line).trimming()
                continue
            }
            guard let colon = line.firstIndex(of: 0x3A) else { continue }
            fields.append((Self.text(line[..<colon]).trimming().lowercased(), Self.text(line[(colon + 1)...]).trimming()))
        }
    }

    /// The value of the first field named `name` (lower case).
    subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Header bytes are ASCII by the standards; anything else is kept as Latin-1 so no byte is lost.
    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

extension WARCHeaders {
    /// The header as text again (for `rejected/` when the block is not kept).
    var text: String {
        ([startLine] + fields.map { "\($0.name): \($0.value)" }).joined(separator: "\r\n")
    }
}
