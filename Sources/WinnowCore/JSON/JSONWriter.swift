/// Writes JSON as UTF-8 bytes: strings are escaped minimally (`"`, `\`, control bytes) and
/// non-ASCII text is written as is, like `json.dumps(ensure_ascii=False)` and orjson.
public enum JSONWriter {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` (valid UTF-8) as a quoted JSON string.
    public static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        guard let base = bytes.baseAddress else { out.append(0x22); return }
        let end = bytes.count
        var i = 0
        while i < end {
            let next = ByteScan.first(in: base, from: i, end: end, mask: ByteScan.stringSpecials,
                                      byte: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 })
            if next > i { out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: next - i)) }
            if next == end { break }
            let b = base[next]
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x08: out.append(0x5C); out.append(0x62)
            case 0x0C: out.append(0x5C); out.append(0x66)
            default:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(b >> 4)], hexDigits[Int(b & 0xF)]])
            }
            i = next + 1
        }
        out.append(0x22)
    }

    public static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendString($0, to: &out) }
    }

    public static func appendString(_ string: String, to out: inout [UInt8]) {
        var copy = string
        copy.withUTF8 { appendString($0, to: &out) }
    }

    public static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .number(text): out.append(contentsOf: text.utf8)
        case let .string(s): appendString(s, to: &out)
        case let .array(items):
            out.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2C) }
                append(item, to: &out)
            }
            out.append(0x5D)
        case let .object(object): append(object, to: &out)
        }
    }

    public static func append(_ object: JSONObject, to out: inout [UInt8]) {
        out.append(0x7B)
        for (i, member) in object.members.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendString(member.key, to: &out)
            out.append(0x3A)
            append(member.value, to: &out)
        }
        out.append(0x7D)
    }

    /// The value as compact JSON text.
    public static func string(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
