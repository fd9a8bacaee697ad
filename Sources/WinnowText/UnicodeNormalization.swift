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
        source.reserveCapacity(scalars.count + 8)
        for scalar in scalars { source.append(contentsOf: UTF16.encode(scalar)!) }
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
            if Int(needed) <= capacity {
                return Array(String(decoding: result[..<Int(needed)], as: UTF16.self).unicodeScalars)
            }
            capacity = Int(needed)
        }
    }
}
