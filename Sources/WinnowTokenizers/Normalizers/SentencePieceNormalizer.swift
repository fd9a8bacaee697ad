import WinnowCore
/// sentencepiece's normalizer (normalizer.cc), on bytes: each position becomes the replacement of
/// the longest charsmap rule matching there, else its character as it is (a malformed UTF-8 byte
/// becomes U+FFFD); user-defined symbols are copied unnormalized; then the whitespace options:
/// leading, trailing and repeated spaces dropped (`remove_extra_whitespaces`), a `▁` put in front
/// (`add_dummy_prefix`) and every space written as `▁` U+2581 (`escape_whitespaces`).
struct SentencePieceNormalizer: Sendable {
    let charsMap: PrecompiledCharsMap?
    /// User-defined symbols, matched before the rules (sentencepiece's PrefixMatcher).
    let userDefined: ByteTrie?
    let addDummyPrefix: Bool
    let removeExtraWhitespaces: Bool
    let escapeWhitespaces: Bool
    /// The dummy `▁` goes at the end instead (`treat_whitespace_as_suffix`).
    let whitespaceAsSuffix: Bool
    /// ASCII bytes (not the space) that no rule and no user-defined symbol starts with: they are
    /// copied as they are without a lookup, which is most of the bytes of most text.
    private let copied: [Bool]
    /// No rule or user-defined symbol starts with a space.
    private let plainSpace: Bool

    init(charsMap: PrecompiledCharsMap?, userDefined: ByteTrie?, addDummyPrefix: Bool, removeExtraWhitespaces: Bool,
         escapeWhitespaces: Bool, whitespaceAsSuffix: Bool) {
        self.charsMap = charsMap
        self.userDefined = userDefined
        self.addDummyPrefix = addDummyPrefix
        self.removeExtraWhitespaces = removeExtraWhitespaces
        self.escapeWhitespaces = escapeWhitespaces
        self.whitespaceAsSuffix = whitespaceAsSuffix
        let plain = (0..<128).map { (byte: Int) -> Bool in
            charsMap?.hasRule(startingWith: UInt8(byte)) != true && (userDefined.map { $0.child(0, UInt8(byte)) == ByteTrie.none } ?? true)
        }
        plainSpace = plain[0x20]
        copied = (0..<256).map { $0 < 128 && $0 != 0x20 && plain[$0] }
    }

    static let meta: [UInt8] = [0xE2, 0x96, 0x81]
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// What one position of the input becomes: `count` bytes of the input, of the rules'
    /// replacements or U+FFFD, standing for `consumed` input bytes.
    private struct Unit {
        var source: UnsafePointer<UInt8>
        var count: Int
        var consumed: Int
    }

    /// Writes the normalized form of `text` to `out` (emptied first).
    func normalize(_ text: UnsafeBufferPointer<UInt8>, into out: GrowableBuffer<UInt8>) {
        out.count = 0
        guard let base = text.baseAddress, !text.isEmpty else { return }
        let noUnits: [UInt32] = [], noStrings: [UInt8] = []
        Self.replacementCharacter.withUnsafeBufferPointer { fffd in
            noUnits.withUnsafeBufferPointer { emptyUnits in
                noStrings.withUnsafeBufferPointer { emptyStrings in
                    if let charsMap {
                        charsMap.withTables { units, strings in
                            run(text, base, fffd.baseAddress!, units, strings, into: out)
                        }
                    } else {
                        run(text, base, fffd.baseAddress!, emptyUnits, emptyStrings, into: out)
                    }
                }
            }
        }
    }

    /// The loop keeps room in `out` for 3 bytes per input byte left (a byte becomes at most a
    /// `▁`) plus 3, and reserves more only before a rule's replacement.
    @inline(__always)
    private func run(_ text: UnsafeBufferPointer<UInt8>, _ base: UnsafePointer<UInt8>, _ fffd: UnsafePointer<UInt8>,
                     _ units: UnsafeBufferPointer<UInt32>, _ strings: UnsafeBufferPointer<UInt8>, into out: GrowableBuffer<UInt8>) {
        let n = text.count
        var i = 0
        if removeExtraWhitespaces {
            while i < n {
                let unit = next(base, i, n, fffd, units, strings)
                guard unit.count == 1, unit.source[0] == 0x20 else { break }
                i += unit.consumed
            }
        }
        guard i < n else { return }
        out.reserve(3 * (n - i) + 6)
        if addDummyPrefix, !whitespaceAsSuffix { appendSpace(out) }
        var previousWasSpace = removeExtraWhitespaces
        while i < n {
            let byte = base[i]
            if copied[Int(byte)] {
                out.append(byte)
                previousWasSpace = false
                i += 1
                continue
            }
            if byte == 0x20, plainSpace {
                if !previousWasSpace { appendSpace(out) }
                previousWasSpace = removeExtraWhitespaces
                i += 1
                continue
            }
            let unit = next(base, i, n, fffd, units, strings)
            out.reserve(3 * unit.count + 3 * (n - i - unit.consumed) + 6)
            var start = 0
            if previousWasSpace {
                while start < unit.count, unit.source[start] == 0x20 { start += 1 }
            }
            if start < unit.count {
                for k in start..<unit.count {
                    let byte = unit.source[k]
                    if byte == 0x20, escapeWhitespaces { appendSpace(out) } else { out.append(byte) }
                }
                previousWasSpace = unit.source[unit.count - 1] == 0x20
            }
            i += unit.consumed
            if !removeExtraWhitespaces { previousWasSpace = false }
        }
        if removeExtraWhitespaces {
            let p = out.base
            if escapeWhitespaces {
                while out.count >= 3, p[out.count - 3] == 0xE2, p[out.count - 2] == 0x96, p[out.count - 1] == 0x81 { out.count -= 3 }
            } else {
                while out.count > 0, p[out.count - 1] == 0x20 { out.count -= 1 }
            }
        }
        if addDummyPrefix, whitespaceAsSuffix { appendSpace(out) }
    }

    @inline(__always)
    private func appendSpace(_ out: GrowableBuffer<UInt8>) {
        if escapeWhitespaces {
            out.append(0xE2)
            out.append(0x96)
            out.append(0x81)
        } else {
            out.append(0x20)
        }
    }

    /// The normalized form of the input at `i`.
    @inline(__always)
    private func next(_ base: UnsafePointer<UInt8>, _ i: Int, _ n: Int, _ fffd: UnsafePointer<UInt8>,
                      _ units: UnsafeBufferPointer<UInt32>, _ strings: UnsafeBufferPointer<UInt8>) -> Unit {
        if let userDefined, let (length, _) = userDefined.longestPrefix(UnsafeBufferPointer(start: base, count: n), from: i) {
            return Unit(source: base + i, count: length, consumed: length)
        }
        if !units.isEmpty, let charsMap, let rule = charsMap.longestMatch(base, from: i, to: n, units: units, replacements: strings) {
            var end = rule.replacement
            while strings[end] != 0 { end += 1 }
            return Unit(source: strings.baseAddress! + rule.replacement, count: end - rule.replacement, consumed: rule.length)
        }
        let length = UTF8Scan.validLength(base, i, n)
        if length == 0 { return Unit(source: fffd, count: 3, consumed: 1) }
        return Unit(source: base + i, count: length, consumed: length)
    }
}

/// UTF-8 as sentencepiece reads it (util.h).
enum UTF8Scan {
    /// The length of a character by its lead byte alone (`OneCharLen`: continuation and invalid
    /// lead bytes count as 1), which is how the models step through normalized text.
    @inline(__always)
    static func leadLength(_ byte: UInt8) -> Int {
        byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
    }

    /// The length of the well-formed character at `i` (shortest form, no surrogates, at most
    /// U+10FFFF), or 0 if the bytes there are not one (`IsValidDecodeUTF8`).
    @inline(__always)
    static func validLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let b0 = p[i]
        if b0 < 0x80 { return 1 }
        let left = n - i
        @inline(__always) func trail(_ k: Int) -> UInt32? {
            let b = p[i + k]
            return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
        }
        if b0 & 0xE0 == 0xC0, left >= 2, let t1 = trail(1) {
            return (UInt32(b0 & 0x1F) << 6 | t1) >= 0x80 ? 2 : 0
        }
        if b0 & 0xF0 == 0xE0, left >= 3, let t1 = trail(1), let t2 = trail(2) {
            let c = UInt32(b0 & 0x0F) << 12 | t1 << 6 | t2
            return c >= 0x800 && !(0xD800...0xDFFF).contains(c) ? 3 : 0
        }
        if b0 & 0xF8 == 0xF0, left >= 4, let t1 = trail(1), let t2 = trail(2), let t3 = trail(3) {
            let c = UInt32(b0 & 0x07) << 18 | t1 << 12 | t2 << 6 | t3
            return c >= 0x10000 && c <= 0x10FFFF ? 4 : 0
        }
        return 0
    }
}
