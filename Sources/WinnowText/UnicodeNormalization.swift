import CWinnowICU

/// Unicode normalisation forms, through ICU (the library Python's `unicodedata` and
/// sentencepiece agree with on the Unicode version Debian ships). Text that is all ASCII is
/// the same in every form and never leaves Swift.
public enum UnicodeNormalization: Int32, Sendable {
    case nfc = 0, nfd = 1, nfkc = 2, nfkd = 3

    /// `scalars` in this form.
    public func apply(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard scalars.contains(where: { $0.value >= 0x80 }) else { return scalars }
        var source: [UInt16] = []
        source.reserveCapacity(scalars.count + 16)
        for scalar in scalars { source.append(contentsOf: UTF16.encode(scalar)!) }
        return Self.scalars(normalize(source)[...])
    }

    /// `string` in this form.
    public func apply(_ string: String) -> String {
        guard string.utf8.contains(where: { $0 >= 0x80 }) else { return string }
        return String(decoding: normalize(Array(string.utf16)), as: UTF16.self)
    }

    /// UTF-16 in this form, through ICU.
    private func normalize(_ source: [UInt16]) -> [UInt16] {
        // Decomposition grows text by a few units per character at most; ICU says when more is needed.
        var capacity = source.count * 3 + 16
        while true {
            var result = [UInt16](repeating: 0, count: capacity)
            var error: UnsafePointer<CChar>?
            let needed = source.withUnsafeBufferPointer { src in
                result.withUnsafeMutableBufferPointer { dst in
                    cwinnow_normalize(rawValue, src.baseAddress, Int32(src.count), dst.baseAddress, Int32(capacity), &error)
                }
            }
            // ICU fails only without its data or memory: nothing a caller could act on.
            precondition(needed >= 0, "ICU normalisation failed: \(error.map { String(cString: $0) } ?? "unknown error")")
            if Int(needed) <= capacity { return Array(result[..<Int(needed)]) }
            capacity = Int(needed)
        }
    }

    /// UTF-16 (well-formed: ICU wrote it from scalars) back to scalars.
    private static func scalars(_ units: ArraySlice<UInt16>) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(units.count)
        var i = units.startIndex
        while i < units.endIndex {
            let u = UInt32(units[i])
            if u >= 0xD800, u < 0xDC00, i + 1 < units.endIndex {
                out.append(Unicode.Scalar(0x10000 + ((u - 0xD800) << 10) + (UInt32(units[i + 1]) - 0xDC00)) ?? "\u{FFFD}")
                i += 2
            } else {
                out.append(Unicode.Scalar(u) ?? "\u{FFFD}")
                i += 1
            }
        }
        return out
    }
}
