/// A text as an array of Unicode scalars, the unit Python's `str` counts in, so lengths and
/// slices agree with datatrove's rules (`len(text)`, `line.endswith(...)`) without bookkeeping
/// of UTF-8 offsets.
public struct ScalarText {
    public let scalars: [Unicode.Scalar]

    /// Decodes UTF-8 that is known to be valid (documents are validated when read).
    public init(utf8 bytes: [UInt8]) {
        scalars = bytes.withUnsafeBufferPointer { b in
            Array(unsafeUninitializedCapacity: b.count) { out, count in
                var i = 0, n = 0
                while i < b.count {
                    let b0 = UInt32(b[i])
                    var value: UInt32
                    if b0 < 0x80 {
                        value = b0; i += 1
                    } else if b0 < 0xE0 {
                        value = (b0 & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F); i += 2
                    } else if b0 < 0xF0 {
                        value = (b0 & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F); i += 3
                    } else {
                        value = (b0 & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F)
                        i += 4
                    }
                    (out.baseAddress! + n).initialize(to: Unicode.Scalar(value) ?? "\u{FFFD}")
                    n += 1
                }
                count = n
            }
        }
    }

    public init(_ string: String) { scalars = Array(string.unicodeScalars) }

    /// The UTF-8 of `scalars[range]`.
    public func utf8(_ range: Range<Int>) -> [UInt8] {
        scalars.withUnsafeBufferPointer { s in
            [UInt8](unsafeUninitializedCapacity: range.count * 4) { out, count in
                var n = 0
                for i in range {
                    let v = s[i].value
                    if v < 0x80 {
                        out[n] = UInt8(v); n += 1
                    } else if v < 0x800 {
                        out[n] = UInt8(0xC0 | v >> 6); out[n + 1] = UInt8(0x80 | v & 0x3F); n += 2
                    } else if v < 0x10000 {
                        out[n] = UInt8(0xE0 | v >> 12); out[n + 1] = UInt8(0x80 | v >> 6 & 0x3F); out[n + 2] = UInt8(0x80 | v & 0x3F); n += 3
                    } else {
                        out[n] = UInt8(0xF0 | v >> 18); out[n + 1] = UInt8(0x80 | v >> 12 & 0x3F)
                        out[n + 2] = UInt8(0x80 | v >> 6 & 0x3F); out[n + 3] = UInt8(0x80 | v & 0x3F); n += 4
                    }
                }
                count = n
            }
        }
    }

    public init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    public var count: Int { scalars.count }

    public func string(_ range: Range<Int>) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[range])
        return String(s)
    }

    /// Python's `str.isspace()` for one character.
    @inlinable @inline(__always)
    public static func isSpace(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value == 0x20 || (s.value >= 0x09 && s.value <= 0x0D) || (s.value >= 0x1C && s.value <= 0x1F) }
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Python's `str.splitlines()` boundaries.
    @inlinable @inline(__always)
    public static func isLineBreak(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Python's `str.isalpha()` for one character (letters: categories L*).
    @inlinable @inline(__always)
    public static func isAlpha(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return (s.value | 0x20) >= 0x61 && (s.value | 0x20) <= 0x7A }
        // Without the property lookup where the answer is known (Latin-1 and the Latin extensions;
        // General Punctuation, which holds the quotes and dashes of English web text, has no letters).
        if s.value < 0x250 { return s.value >= 0xC0 ? s.value != 0xD7 && s.value != 0xF7 : s.value == 0xAA || s.value == 0xB5 || s.value == 0xBA }
        if s.value >= 0x2000, s.value < 0x2070 { return false }
        if isCommonLetter(s) { return true }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{Nd}` (a decimal digit of any script; the same set as numeric type decimal), with no
    /// property lookup for the blocks that hold none.
    @inlinable @inline(__always)
    public static func isDecimalDigit(_ c: Unicode.Scalar) -> Bool {
        // No decimal digits between ASCII's and Arabic-Indic's (U+0660), nor in General Punctuation.
        if c.value < 0x660 { return c.value >= 0x30 && c.value <= 0x39 }
        return !(c.value >= 0x2000 && c.value < 0x2070) && !isCommonLetter(c) && c.properties.numericType == .decimal
    }

    /// Whether `s` lies in a block of the common scripts whose characters are all letters
    /// (Cyrillic, Hebrew, Arabic, kana, CJK ideographs, Hangul syllables): the character tests
    /// answer those without a Unicode property lookup (none of them is a digit or a symbol).
    @inlinable @inline(__always)
    public static func isCommonLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x410...0x44F, 0x5D0...0x5EA, 0x621...0x63A, 0x641...0x64A, 0x3041...0x3096, 0x30A1...0x30FA,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3: return true
        default: return false
        }
    }

    /// `text.splitlines()`: lines without their breaks; `\r\n` is one break; no trailing empty line.
    public func pythonSplitLines() -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        var i = 0
        let n = scalars.count
        scalars.withUnsafeBufferPointer { s in
            while i < n {
                // Every break is a control below U+001F, U+0085, U+2028 or U+2029: printable ASCII
                // needs two compares.
                if (s[i].value < 0x1F || s[i].value >= 0x85) && ScalarText.isLineBreak(s[i]) {
                    lines.append(start..<i)
                    if s[i] == "\r", i + 1 < n, s[i + 1] == "\n" { i += 1 }
                    start = i + 1
                }
                i += 1
            }
        }
        if start < n { lines.append(start..<n) }
        return lines
    }

    /// `text.split(separator)` with one character, keeping empty pieces (Python semantics).
    public func split(on separator: Unicode.Scalar) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = 0
        for (i, s) in scalars.enumerated() where s == separator {
            pieces.append(start..<i)
            start = i + 1
        }
        pieces.append(start..<scalars.count)
        return pieces
    }

    /// `re.split("\n{minimum,}", text[range])`: pieces between runs of at least `minimum` newlines.
    public func split(onNewlineRunsOf minimum: Int, in range: Range<Int>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            if scalars[i] == "\n" {
                var j = i
                while j < range.upperBound, scalars[j] == "\n" { j += 1 }
                if j - i >= minimum {
                    pieces.append(start..<i)
                    start = j
                }
                i = j
            } else {
                i += 1
            }
        }
        pieces.append(start..<range.upperBound)
        return pieces
    }

    /// The range without leading and trailing white space (Python's `strip()`).
    public func stripped(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, ScalarText.isSpace(scalars[lower]) { lower += 1 }
        while upper > lower, ScalarText.isSpace(scalars[upper - 1]) { upper -= 1 }
        return lower..<upper
    }
}
