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
struct TextSimplifier {
    private var lowered: [Unicode.Scalar] = []
    private var out: [Unicode.Scalar] = []

    mutating func simplify(_ text: [UInt8]) -> [Unicode.Scalar] {
        lowercase(text)
        collapse()
        guard out.contains(where: { $0.value >= 0x80 }) else { return out }
        let decomposed = UnicodeNormalization.nfd.apply(out).filter { !Self.isNonspacingMark($0) }
        return Array(decomposed[ScalarText(scalars: decomposed).stripped(decomposed.indices)])
    }

    /// Step 1 into `lowered`.
    private mutating func lowercase(_ text: [UInt8]) {
        lowered.removeAll(keepingCapacity: true)
        lowered.reserveCapacity(text.count)
        let scalars = ScalarText(utf8: text).scalars
        for (i, s) in scalars.enumerated() {
            if s.value < 0x80 {
                lowered.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value | 0x20)! : s)
            } else if s.value == 0x3A3 {
                lowered.append(Self.isFinalSigma(scalars, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else if Self.hasCase(s), s.properties.changesWhenLowercased {
                lowered.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            } else {
                lowered.append(s)
            }
        }
    }

    /// Python's rule: a capital sigma preceded by a cased letter and not followed by one (case-
    /// ignorable characters such as apostrophes skipped both ways) lowercases to final ς.
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0, scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, scalars[j].properties.isCased else { return false }
        var k = i + 1
        while k < scalars.count, scalars[k].properties.isCaseIgnorable { k += 1 }
        return k == scalars.count || !scalars[k].properties.isCased
    }

    /// Steps 2 to 4, from `lowered` into `out`.
    private mutating func collapse() {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(lowered.count)
        var pendingSpace = false
        var i = 0
        let n = lowered.count
        while i < n {
            let s = lowered[i]
            var emit = s
            if ScalarText.isDecimalDigit(s) {
                i += 1
                while i < n, ScalarText.isDecimalDigit(lowered[i]) { i += 1 }
                if i + 1 < n, Self.isDecimalSeparator(lowered[i]), ScalarText.isDecimalDigit(lowered[i + 1]) {
                    i += 2
                    while i < n, ScalarText.isDecimalDigit(lowered[i]) { i += 1 }
                }
                emit = "0"
            } else {
                i += 1
                if CharacterClasses.punctuation.contains(s) || ScalarText.isSpace(s) {
                    pendingSpace = !out.isEmpty
                    continue
                }
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(emit)
        }
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
