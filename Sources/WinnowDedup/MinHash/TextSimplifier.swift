import WinnowText

/// datatrove's `simplify_text` with its default `TextNormConfig` (datatrove/utils/text.py),
/// which MinHash applies before shingling so that case, numbers, punctuation, spacing and
/// accents do not hide a duplicate. In datatrove's order:
/// 1. lowercase, as Python's `str.lower()` (full mappings, final sigma in context);
/// 2. every run of decimal digits, with an optional decimal part (`.` `,` `،` `٫` `⎖` `⎗` `⎘` and
///    more digits), becomes `0`;
/// 3. datatrove's punctuation characters become spaces;
/// 4. leading and trailing whitespace go and inner runs become one space (Python's `\s`);
/// 5. NFD, dropping every nonspacing mark (Mn), then leading and trailing whitespace go again.
/// The steps after 4 do not collapse spaces again, so a lone mark between spaces leaves two,
/// exactly as datatrove does.
///
/// Steps 1 to 4 are one pass over the UTF-8 (lowercasing never makes a digit, a separator, a
/// punctuation character or a space, so doing them together changes nothing), with ASCII
/// answered from a table.
struct TextSimplifier {
    private var out: [Unicode.Scalar] = []
    /// Lowercase mappings of the non-ASCII characters seen so far (a text uses few, and the
    /// mapping comes as a String).
    private var lowercase: [UInt32: [Unicode.Scalar]] = [:]
    private let punctuation = CharacterClasses.punctuation

    /// What one ASCII byte is to steps 1–4.
    private enum ASCIIClass: UInt8 { case keep, upper, digit, space }
    private static let asciiClasses: [ASCIIClass] = (0..<128).map { b in
        let s = Unicode.Scalar(UInt8(b))
        if b >= 0x30 && b <= 0x39 { return .digit }
        if b >= 0x41 && b <= 0x5A { return .upper }
        if CharacterClasses.punctuation.contains(s) || ScalarText.isSpace(s) { return .space }
        return .keep
    }

    mutating func simplify(_ text: [UInt8]) -> [Unicode.Scalar] {
        collapse(text)
        guard out.contains(where: { $0.value >= 0x80 }) else { return out }
        let decomposed = UnicodeNormalization.nfd.apply(out).filter { !Self.isNonspacingMark($0) }
        return Array(decomposed[ScalarText(scalars: decomposed).stripped(decomposed.indices)])
    }

    /// Steps 1 to 4 into `out`.
    private mutating func collapse(_ text: [UInt8]) {
        // A local array, handed back at the end: appending to a stored one costs a uniqueness
        // check through `self` per character.
        var out: [Unicode.Scalar] = []
        swap(&out, &self.out)
        defer { swap(&out, &self.out) }
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(text.count)
        var pendingSpace = false
        text.withUnsafeBufferPointer { bytes in
            let classes = Self.asciiClasses
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                var emit: [Unicode.Scalar]? = nil
                var single: Unicode.Scalar
                if b < 0x80 {
                    switch classes[Int(b)] {
                    case .keep: single = Unicode.Scalar(b); i += 1
                    case .upper: single = Unicode.Scalar(b | 0x20); i += 1
                    case .space: pendingSpace = !out.isEmpty; i += 1; continue
                    case .digit: i = Self.skipNumber(bytes, from: i); single = "0"
                    }
                } else {
                    let (s, length) = Self.decode(bytes, at: i)
                    if ScalarText.isDecimalDigit(s) {
                        i = Self.skipNumber(bytes, from: i)
                        single = "0"
                    } else {
                        i += length
                        if punctuation.contains(s) || ScalarText.isSpace(s) {
                            pendingSpace = !out.isEmpty
                            continue
                        }
                        single = s
                        if s.value == 0x3A3 {
                            single = Self.isFinalSigma(bytes, at: i - length, after: i) ? "\u{3C2}" : "\u{3C3}"
                        } else if Self.hasCase(s), s.properties.changesWhenLowercased {
                            if lowercase[s.value] == nil { lowercase[s.value] = Array(s.properties.lowercaseMapping.unicodeScalars) }
                            emit = lowercase[s.value]
                        }
                    }
                }
                if pendingSpace {
                    out.append(" ")
                    pendingSpace = false
                }
                if let emit { out.append(contentsOf: emit) } else { out.append(single) }
            }
        }
    }

    /// Past the number starting at `start`: decimal digits, then at most one separator and
    /// more digits (the regex `\p{Nd}+([.,،٫⎖⎗⎘]\p{Nd}+)?`).
    private static func skipNumber(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = skipDigits(bytes, from: start)
        if i < bytes.count {
            let (separator, length) = decode(bytes, at: i)
            if isDecimalSeparator(separator), i + length < bytes.count, isDecimalDigit(bytes, at: i + length) {
                i = skipDigits(bytes, from: i + length)
            }
        }
        return i
    }

    private static func skipDigits(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i < bytes.count {
            if bytes[i] < 0x80 {
                guard bytes[i] >= 0x30 && bytes[i] <= 0x39 else { break }
                i += 1
            } else {
                let (s, length) = decode(bytes, at: i)
                guard ScalarText.isDecimalDigit(s) else { break }
                i += length
            }
        }
        return i
    }

    private static func isDecimalDigit(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        bytes[i] < 0x80 ? (bytes[i] >= 0x30 && bytes[i] <= 0x39) : ScalarText.isDecimalDigit(decode(bytes, at: i).0)
    }

    /// The scalar starting at `i` of valid UTF-8, and its length in bytes.
    @inline(__always)
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return (Unicode.Scalar(UInt8(b0)), 1) }
        if b0 < 0xE0 { return (Unicode.Scalar((b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)) ?? "\u{FFFD}", 2) }
        if b0 < 0xF0 {
            return (Unicode.Scalar((b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)) ?? "\u{FFFD}", 3)
        }
        let value = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
        return (Unicode.Scalar(value) ?? "\u{FFFD}", 4)
    }

    /// Python's rule: a capital sigma (at `start`, ending at `end`) preceded by a cased letter
    /// and not followed by one (case-ignorable characters such as apostrophes skipped both
    /// ways) lowercases to final ς.
    private static func isFinalSigma(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, after end: Int) -> Bool {
        var j = start
        var before: Unicode.Scalar?
        while j > 0 {
            j -= 1
            while j > 0, bytes[j] & 0xC0 == 0x80 { j -= 1 }
            let (s, _) = decode(bytes, at: j)
            if !s.properties.isCaseIgnorable { before = s; break }
        }
        guard let before, before.properties.isCased else { return false }
        var k = end
        while k < bytes.count {
            let (s, length) = decode(bytes, at: k)
            if !s.properties.isCaseIgnorable { return !s.properties.isCased }
            k += length
        }
        return true
    }

    /// Mn, without a property lookup below the combining diacritics (U+0300) or in the letter
    /// blocks of common scripts.
    @inline(__always)
    private static func isNonspacingMark(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x300 && !ScalarText.isCommonLetter(s) && s.properties.generalCategory == .nonspacingMark
    }

    /// False for the caseless scripts of the BMP's east (CJK, kana, Hangul: U+3000–U+D7FF),
    /// Hebrew and Arabic, so their text skips the case lookup.
    @inline(__always)
    private static func hasCase(_ s: Unicode.Scalar) -> Bool {
        !(s.value >= 0x3000 && s.value < 0xD800) && !(s.value >= 0x590 && s.value < 0x700)
    }

    @inline(__always)
    private static func isDecimalSeparator(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x2E, 0x2C, 0x60C, 0x66B, 0x2396, 0x2397, 0x2398: return true
        default: return false
        }
    }
}
