import CWinnowICU

/// Turns the bytes of a web page into UTF-8, finding their charset as browsers do: a byte-order
/// mark first (it cannot be wrong about itself), then the charset the HTTP header declares, then
/// a `<meta charset>` or `http-equiv` declaration near the start, then valid UTF-8 as it is,
/// then ICU's detector. Bytes that do not decode become U+FFFD and are counted, never an error.
public enum CharsetDecoder {
    /// The UTF-8 text, the charset used, where it came from, and how many bytes were replaced.
    public struct Decoded: Sendable {
        public var text: [UInt8]
        public var charset: String
        /// "bom", "http", "meta", "utf-8" (valid as it is), "detected" or "default".
        public var source: String
        public var replacedBytes: Int
    }

    /// How far into the page a `<meta>` declaration is looked for (HTML's prescan reads 1024
    /// bytes; pages with long heads put it later, so a little more).
    static let metaScanBytes = 4096

    public static func decode(_ bytes: ArraySlice<UInt8>, declared: String?) -> Decoded {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return utf8(bytes.dropFirst(3), source: "bom") }
        if bytes.starts(with: [0xFE, 0xFF]) { return convert(bytes.dropFirst(2), charset: "UTF-16BE", source: "bom") ?? utf8(bytes, source: "default") }
        if bytes.starts(with: [0xFF, 0xFE]) { return convert(bytes.dropFirst(2), charset: "UTF-16LE", source: "bom") ?? utf8(bytes, source: "default") }
        if let declared, let decoded = decodeDeclared(bytes, label: declared, source: "http") { return decoded }
        if let meta = metaCharset(bytes.prefix(metaScanBytes)), let decoded = decodeDeclared(bytes, label: meta, source: "meta") {
            return decoded
        }
        let valid = bytes.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0) == nil }
        if valid { return Decoded(text: Array(bytes), charset: "UTF-8", source: "utf-8", replacedBytes: 0) }
        if let detected = detect(bytes), detected != "UTF-8", let decoded = decodeDeclared(bytes, label: detected, source: "detected") {
            return decoded
        }
        return utf8(bytes, source: "default")
    }

    /// The charset a `Content-Type` value names (`text/html; charset="iso-8859-1"`), if any.
    public static func charset(inContentType value: String) -> String? {
        let lower = value.lowercased()
        guard let range = lower.firstRange(of: "charset=") else { return nil }
        let rest = lower[range.upperBound...].drop { $0 == " " || $0 == "\"" || $0 == "'" }
        let name = rest.prefix { !";\"' ,".contains($0) }
        return name.isEmpty ? nil : String(name)
    }

    /// A charset declared by a `<meta>` tag in `head`: `<meta charset=x>` or
    /// `<meta http-equiv="Content-Type" content="text/html; charset=x">`.
    static func metaCharset(_ head: ArraySlice<UInt8>) -> String? {
        let lower = head.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        let meta = Array("<meta".utf8)
        var i = 0
        while i + meta.count < lower.count {
            guard lower[i] == 0x3C, lower[i..<(i + meta.count)].elementsEqual(meta) else { i += 1; continue }
            let tagEnd = lower[i...].firstIndex(of: 0x3E) ?? lower.count
            let tag = String(decoding: lower[i..<tagEnd], as: UTF8.self)
            if let name = charset(inContentType: tag) { return name }
            i = tagEnd
        }
        return nil
    }

    /// Decodes with a declared label; nil when ICU does not know it (the caller tries the next
    /// source). A page declaring UTF-16 in ASCII is not UTF-16 (HTML treats it as UTF-8).
    private static func decodeDeclared(_ bytes: ArraySlice<UInt8>, label: String, source: String) -> Decoded? {
        let name = canonical(label)
        if name == "UTF-8" { return utf8(bytes, source: source) }
        if name.hasPrefix("UTF-16"), source != "bom", source != "http" { return utf8(bytes, source: source) }
        return convert(bytes, charset: name, source: source)
    }

    /// Web labels that mean another charset than their name (WHATWG Encoding): Latin-1 and ASCII
    /// pages are decoded as windows-1252, GB2312 and GBK as GB18030.
    static func canonical(_ label: String) -> String {
        switch label.lowercased() {
        case "utf-8", "utf8", "unicode-1-1-utf-8": return "UTF-8"
        case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252", "x-cp1252":
            return "windows-1252"
        case "gb2312", "gbk", "x-gbk", "gb_2312-80", "gb18030": return "GB18030"
        case "x-sjis", "shift-jis", "sjis", "ms_kanji": return "Shift_JIS"
        default: return label
        }
    }

    /// ICU's best guess from the page's words that hold non-ASCII bytes. Markup and ASCII words
    /// say nothing about a legacy charset and drown the signal: on a KOI8-R page of Debian's
    /// handbook, ICU picks ISO-8859-1 from the whole page and KOI8-R from these words.
    static func detect(_ bytes: ArraySlice<UInt8>) -> String? {
        let sample = nonASCIIWords(bytes.prefix(1 << 18), limit: 1 << 16)
        guard !sample.isEmpty else { return nil }
        var name = [CChar](repeating: 0, count: 64)
        let confidence = sample.withUnsafeBufferPointer { buffer in
            cwinnow_detect_charset(buffer.baseAddress, Int32(buffer.count), &name, Int32(name.count))
        }
        guard confidence >= 0 else { return nil }
        return String(cString: name)
    }

    /// The runs of bytes outside tags, split at bytes below 0x40 (spaces, digits, punctuation:
    /// never part of a multi-byte character in Shift_JIS, EUC or GBK), that hold a byte above
    /// 0x7F, joined by spaces.
    static func nonASCIIWords(_ bytes: ArraySlice<UInt8>, limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        var inTag = false
        var wordStart = -1
        var high = false
        func flush(_ end: Int) {
            if wordStart >= 0, high, out.count < limit {
                if !out.isEmpty { out.append(0x20) }
                out += bytes[wordStart..<end]
            }
            wordStart = -1
            high = false
        }
        for i in bytes.indices {
            let b = bytes[i]
            if inTag {
                if b == 0x3E { inTag = false }
                continue
            }
            if b == 0x3C { flush(i); inTag = true; continue }
            if b < 0x40 { flush(i); continue }
            if wordStart < 0 { wordStart = i }
            if b >= 0x80 { high = true }
        }
        flush(bytes.endIndex)
        return out
    }

    /// Valid UTF-8 as it is; every byte that starts no valid sequence becomes U+FFFD.
    static func utf8(_ bytes: ArraySlice<UInt8>, source: String) -> Decoded {
        var out: [UInt8] = []
        var replaced = 0
        var rest = bytes
        while let bad = rest.withUnsafeBytes({ UTF8Validation.firstInvalidOffset($0) }) {
            if out.isEmpty { out.reserveCapacity(bytes.count + 16) }
            out += rest.prefix(bad)
            out += [0xEF, 0xBF, 0xBD]
            replaced += 1
            rest = rest.dropFirst(bad + 1)
        }
        if replaced == 0 { return Decoded(text: Array(bytes), charset: "UTF-8", source: source, replacedBytes: 0) }
        out += rest
        return Decoded(text: out, charset: "UTF-8", source: source, replacedBytes: replaced)
    }

    /// Converts with ICU; nil when ICU does not know the charset (or the text is over 500 MB).
    private static func convert(_ bytes: ArraySlice<UInt8>, charset: String, source: String) -> Decoded? {
        guard bytes.count < Int(Int32.max) / 4 else { return nil }
        var capacity = bytes.count * 3 + 16
        for _ in 0..<2 {
            var out = [UInt8](repeating: 0, count: capacity)
            var replaced: Int32 = 0
            var error: UnsafePointer<CChar>?
            let needed = bytes.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    cwinnow_convert_to_utf8(charset, input.baseAddress, Int32(input.count), output.baseAddress,
                                            Int32(output.count), &replaced, &error)
                }
            }
            if needed < 0 { return nil }
            if Int(needed) <= capacity {
                out.removeLast(capacity - Int(needed))
                return Decoded(text: out, charset: charset, source: source, replacedBytes: Int(replaced))
            }
            capacity = Int(needed)
        }
        return nil
    }
}
