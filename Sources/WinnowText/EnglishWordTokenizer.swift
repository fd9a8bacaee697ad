/// Word tokens as datatrove counts them for English: it runs spaCy's rule-based English
/// tokenizer (`spacy.blank("en")`) and keeps the non-blank tokens. This is a re-implementation
/// of those rules from their published description — split on white space, then peel prefix
/// and suffix punctuation, split contractions and infixes (hyphens, slashes, commas between
/// letters), keep URLs whole — close enough that counts of words, punctuation tokens, alphabetic
/// words and stop words agree with datatrove's on real text (Scripts/crosscheck/filters.py
/// measures it).
public struct EnglishWordTokenizer: Sendable {
    private var cache = ChunkSplitCache()

    public init() {}

    /// Token ranges (in scalars) of `text[range]`. Keep one tokenizer for many texts: it
    /// remembers how chunks split (see `ChunkSplitCache`).
    public mutating func tokens(_ text: ScalarText, in range: Range<Int>) -> [Range<Int>] {
        var hashes: [PolynomialHash] = []
        return tokens(text, in: range, hashes: &hashes)
    }

    /// `tokens(_:in:)`, with each token's `PolynomialHash` appended to `hashes`.
    public mutating func tokens(_ text: ScalarText, in range: Range<Int>, hashes: inout [PolynomialHash]) -> [Range<Int>] {
        guard !range.isEmpty else { return [] }
        // A token holds at least one scalar, so `range.count` slots are enough (see `TokenSink`).
        let capacity = range.count
        var ranges: [Range<Int>] = []
        let found = [PolynomialHash](unsafeUninitializedCapacity: capacity) { hashBuffer, hashCount in
            ranges = [Range<Int>](unsafeUninitializedCapacity: capacity) { rangeBuffer, rangeCount in
                var sink = TokenSink(ranges: rangeBuffer.baseAddress!, hashes: hashBuffer.baseAddress!, capacity: capacity)
                text.scalars.withUnsafeBufferPointer { split($0, range, into: &sink) }
                rangeCount = sink.count
                hashCount = sink.count
            }
        }
        if hashes.isEmpty { hashes = found } else { hashes.append(contentsOf: found) }
        return ranges
    }

    private mutating func split(_ buffer: UnsafeBufferPointer<Unicode.Scalar>, _ range: Range<Int>, into sink: inout TokenSink) {
        // Find and hash every chunk first, then look them up a few chunks behind the loads
        // started for them (see `ChunkSplitCache`).
        var keys: [ChunkSplitCache.Key] = []
        keys.reserveCapacity(range.count / 5)
        var i = range.lowerBound
        while i < range.upperBound {
            if ScalarText.isSpace(buffer[i]) { i += 1; continue }
            let start = i
            while i < range.upperBound, !ScalarText.isSpace(buffer[i]) { i += 1 }
            let key = ChunkSplitCache.key(buffer, start..<i)
            cache.prefetchSlot(key)
            keys.append(key)
        }
        let ahead = 8
        for k in keys.indices {
            if k + ahead < keys.count { cache.prefetchEntry(keys[k + ahead]) }
            let chunk = keys[k].chunk
            cache.tokens(buffer, keys[k], into: &sink) { EnglishTokenRules.splitChunk(buffer, chunk, into: &$0) }
        }
    }
}

/// spaCy's English rules for one chunk: prefixes, suffixes, special cases, URLs, contractions
/// and infixes.
enum EnglishTokenRules {
    static func splitChunk(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ chunk: Range<Int>, into out: inout [Range<Int>]) {
        // Only ASCII letters (most chunks the cache has not seen: rare words): no rule below but
        // spaCy's letter-only splits can apply, so skip them.
        if s[chunk].allSatisfy({ ($0.value | 0x20) >= 0x61 && ($0.value | 0x20) <= 0x7A }) {
            appendFixedSplit(s, chunk, into: &out)
            return
        }
        var lower = chunk.lowerBound, upper = chunk.upperBound
        var suffixes: [Range<Int>] = []
        while lower < upper {
            if isSpecial(s, lower..<upper) { break }
            let pre = prefixLength(s, lower..<upper)
            let suf = suffixLength(s, (lower + pre)..<upper)
            if pre == 0 && suf == 0 { break }
            if pre > 0 {
                out.append(lower..<(lower + pre))
                lower += pre
            }
            if suf > 0, upper - suf >= lower {
                suffixes.append((upper - suf)..<upper)
                upper -= suf
            }
        }
        if lower < upper {
            if isURL(s, lower..<upper) || isSpecial(s, lower..<upper) {
                out.append(lower..<upper)
            } else {
                splitContraction(s, lower..<upper, into: &out)
            }
        }
        out.append(contentsOf: suffixes.reversed())
    }

    // MARK: rules

    private static let punctuation = ScalarSet("…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪")
    private static let quotes = ScalarSet("'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉")
    private static let currency = ScalarSet("$£€¥฿₽₹₩₺₫₴₦₱")
    private static let prefixOnly = ScalarSet("§%=—–")
    private static let dashes = ScalarSet("-–—~")
    private static let periodAfter = ScalarSet("%²-+")
    private static let arithmetic = ScalarSet("+-*^")
    private static let joiners = ScalarSet(":<>=/")

    /// spaCy's icons, split off like punctuation: every other symbol (So, such as © ® ¦ ™ ⌘
    /// and emoji; the first is U+00A6), but U+166D, which spaCy's regex module does not count.
    @inline(__always)
    static func isIcon(_ c: Unicode.Scalar) -> Bool {
        c.value >= 0xA6 && !ScalarText.isCommonLetter(c) && c.properties.generalCategory == .otherSymbol && c.value != 0x166D
    }

    @inline(__always)
    private static func isLower(_ c: Unicode.Scalar) -> Bool {
        c.value < 128 ? (c.value >= 0x61 && c.value <= 0x7A) : c.properties.isLowercase
    }
    @inline(__always)
    private static func isUpper(_ c: Unicode.Scalar) -> Bool {
        c.value < 128 ? (c.value >= 0x41 && c.value <= 0x5A) : c.properties.isUppercase
    }

    static func prefixLength(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ r: Range<Int>) -> Int {
        guard !r.isEmpty else { return 0 }
        let c = s[r.lowerBound]
        if c == ".", r.count > 1, s[r.lowerBound + 1] == "." {
            var j = r.lowerBound
            while j < r.upperBound, s[j] == "." { j += 1 }
            return j - r.lowerBound
        }
        if c == "+" { return r.count > 1 && ScalarText.isDecimalDigit(s[r.lowerBound + 1]) ? 0 : 1 }
        if EnglishTokenRules.punctuation.contains(c) || EnglishTokenRules.quotes.contains(c)
            || EnglishTokenRules.currency.contains(c) || EnglishTokenRules.prefixOnly.contains(c)
            || EnglishTokenRules.isIcon(c) {
            return 1
        }
        return 0
    }

    static func suffixLength(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ r: Range<Int>) -> Int {
        guard !r.isEmpty else { return 0 }
        let last = s[r.upperBound - 1]
        if last == ".", r.count > 1 {
            if s[r.upperBound - 2] == "." {
                var j = r.upperBound - 1
                while j > r.lowerBound, s[j - 1] == "." { j -= 1 }
                return r.upperBound - j
            }
            let before = s[r.upperBound - 2]
            if ScalarText.isDecimalDigit(before) || EnglishTokenRules.isLower(before) || EnglishTokenRules.periodAfter.contains(before)
                || EnglishTokenRules.punctuation.contains(before) || EnglishTokenRules.quotes.contains(before) {
                return isSpecial(s, r) ? 0 : 1
            }
            if r.count > 2, EnglishTokenRules.isUpper(before), EnglishTokenRules.isUpper(s[r.upperBound - 3]) { return 1 }
            return 0
        }
        if r.count > 2, s[r.upperBound - 2] == "'" || s[r.upperBound - 2] == "’", last == "s" || last == "S" { return 2 }
        if EnglishTokenRules.punctuation.contains(last) || EnglishTokenRules.quotes.contains(last)
            || last == "—" || last == "–" || EnglishTokenRules.isIcon(last) {
            return 1
        }
        if r.count > 1, ScalarText.isDecimalDigit(s[r.upperBound - 2]) {
            if last == "+" || EnglishTokenRules.currency.contains(last) || last == "%" { return 1 }
        }
        return 0
    }

    /// URLs, host names and e-mail addresses stay one token: an optional `scheme://`, an optional
    /// `user@`, dot-separated host labels ending in a top-level domain of two or more lowercase
    /// letters, then an optional port and path.
    static func isURL(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ r: Range<Int>) -> Bool {
        guard r.count >= 4 else { return false }
        var i = r.lowerBound
        let text = s[r]
        if let colon = text.firstIndex(of: ":"), colon + 2 < r.upperBound, s[colon + 1] == "/", s[colon + 2] == "/" {
            i = colon + 3
        }
        if let at = s[i..<r.upperBound].firstIndex(of: "@") { i = at + 1 }
        // Host: labels of letters, digits, '-' or '_', separated by dots.
        var labelStart = i
        var labels: [Range<Int>] = []
        while i < r.upperBound {
            let c = s[i]
            if c == "." {
                if i == labelStart { return false }
                labels.append(labelStart..<i)
                labelStart = i + 1
            } else if c == "/" || c == "?" || c == "#" || c == ":" {
                break
            } else if !(c.value > 0xA0 || ScalarText.isAlpha(c) || ScalarText.isDecimalDigit(c) || c == "-" || c == "_") {
                return false
            }
            i += 1
        }
        if labelStart < i { labels.append(labelStart..<i) }
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2,
              s[tld].allSatisfy({ ($0.value >= 0x61 && $0.value <= 0x7A) || $0.value > 0xA0 }) else { return false }
        return true
    }

    /// Abbreviations that keep their period (titles, months, US states, Latin), and strings
    /// spaCy's English exceptions keep whole.
    private static let specials = ScalarStringSet("""
        Adm. Ak. Ala. Apr. Ariz. Ark. Aug. Bros. Calif. Co. Colo. Conn. Corp. D.C. Dec. Del. Dr. E.G. E.g. Feb. Fla.
        Ga. Gen. Gov. I.E. I.e. Ia. Id. Ill. Inc. Ind. Jan. Jr. Jul. Jun. Kan. Kans. Ky. La. Ltd. Mar. Mass. Md. Mich.
        Minn. Miss. Mo. Mont. Mr. Mrs. Ms. Mt. N.C. N.D. N.H. N.J. N.M. N.Y. Neb. Nebr. Nev. Nov. Oct. Okla. Ore. Pa.
        Ph.D. Prof. Rep. Rev. S.C. Sen. Sep. Sept. St. Tenn. Va. Wash. Wis. a.m. p.m. co. e.g. i.e. v.s. vs. °C. °F.
        and/or w/o :) :( :-) :-( ;) :D <3 ._.
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    /// Appends `chunk` cut where spaCy's exceptions cut it if it is one of the letter-only
    /// words they split (`SpacyEnglishSplits`), else whole.
    static func appendFixedSplit(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ chunk: Range<Int>, into out: inout [Range<Int>]) {
        guard chunk.count >= 2, chunk.count <= SpacyEnglishSplits.maxLength,
              let cuts = SpacyEnglishSplits.table[String(String.UnicodeScalarView(s[chunk]))] else {
            out.append(chunk)
            return
        }
        var start = chunk.lowerBound
        for cut in cuts {
            out.append(start..<(chunk.lowerBound + cut))
            start = chunk.lowerBound + cut
        }
        out.append(start..<chunk.upperBound)
    }

    private static let negation = Array("n't".unicodeScalars)
    private static let contractionTails = ["'ll", "'re", "'ve", "'m", "'d"].map { Array($0.unicodeScalars) }

    /// Unit suffixes split from a number ("3.5kg" → 3.5 kg).
    private static let units = ScalarStringSet(["km", "m", "cm", "mm", "nm", "µm", "ha", "yd", "in", "ft", "kg", "g", "mg", "µg", "t",
                                          "lb", "oz", "mph", "hPa", "Pa", "mbar", "mb", "MB", "kb", "KB", "gb", "GB", "tb", "TB",
                                          "T", "G", "M", "K", "km/h", "m/s", "kmh", "km²", "m²", "cm²", "mm²", "km³", "m³"])

    /// Every special string holds one of these; most chunks hold none and need no lookup.
    private static let specialMarks = ScalarSet("./:;()=<_")

    static func isSpecial(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ r: Range<Int>) -> Bool {
        guard r.count <= 7, s[r].contains(where: EnglishTokenRules.specialMarks.contains) else { return false }
        if EnglishTokenRules.specials.contains(s[r]) { return true }
        // Single lowercase letters with a period (list markers): "b."
        return r.count == 2 && s[r.upperBound - 1] == "." && EnglishTokenRules.isLower(s[r.lowerBound])
    }

    /// "don't" → do n't, "I'm" → I 'm; then infixes (hyphens, slashes, commas between letters).
    static func splitContraction(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ r: Range<Int>, into out: inout [Range<Int>]) {
        let n = r.count
        /// Whether the chunk ends with `t` (ASCII, lowercase), ignoring case, ’ read as '.
        func hasTail(_ t: [Unicode.Scalar]) -> Bool {
            guard n > t.count else { return false }
            for (k, expected) in t.enumerated() {
                var c = s[r.upperBound - t.count + k]
                if c == "’" { c = "'" }
                if c.value < 128, c.value >= 0x41, c.value <= 0x5A { c = Unicode.Scalar(c.value | 0x20)! }
                if c != expected { return false }
            }
            return true
        }
        if r.allSatisfy({ (s[$0].value | 0x20) >= 0x61 && (s[$0].value | 0x20) <= 0x7A }) {
            appendFixedSplit(s, r, into: &out)
            return
        }
        // A unit after a number ("3.5kg"): only worth a look when letters follow a digit.
        if n > 1, !ScalarText.isDecimalDigit(s[r.upperBound - 1]),
           let digit = s[r].lastIndex(where: ScalarText.isDecimalDigit), digit + 1 < r.upperBound {
            if EnglishTokenRules.units.contains(s[(digit + 1)..<r.upperBound]) {
                splitInfixes(s, r.lowerBound..<(digit + 1), into: &out)
                out.append((digit + 1)..<r.upperBound)
                return
            }
        }
        if hasTail(EnglishTokenRules.negation) {
            splitInfixes(s, r.lowerBound..<(r.upperBound - 3), into: &out)
            out.append((r.upperBound - 3)..<r.upperBound)
            return
        }
        for tail in EnglishTokenRules.contractionTails where hasTail(tail) {
            let head = r.lowerBound..<(r.upperBound - tail.count)
            if head.allSatisfy({ ScalarText.isAlpha(s[$0]) }) {
                out.append(head)
                out.append((r.upperBound - tail.count)..<r.upperBound)
                return
            }
        }
        splitInfixes(s, r, into: &out)
    }

    static func splitInfixes(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ r: Range<Int>, into out: inout [Range<Int>]) {
        var start = r.lowerBound
        var i = r.lowerBound
        func isLetter(_ k: Int) -> Bool { k >= r.lowerBound && k < r.upperBound && ScalarText.isAlpha(s[k]) }
        func isDigitAt(_ k: Int) -> Bool { k >= r.lowerBound && k < r.upperBound && ScalarText.isDecimalDigit(s[k]) }
        while i < r.upperBound {
            let c = s[i]
            var infix = 0
            if c == "." || c == "…" {
                if c == "…" { infix = 1 } else if i + 1 < r.upperBound, s[i + 1] == "." {
                    var j = i
                    while j < r.upperBound, s[j] == "." { j += 1 }
                    infix = j - i
                } else if i > r.lowerBound, EnglishTokenRules.isLower(s[i - 1]) || EnglishTokenRules.quotes.contains(s[i - 1]),
                          i + 1 < r.upperBound, EnglishTokenRules.isUpper(s[i + 1]) || EnglishTokenRules.quotes.contains(s[i + 1]) {
                    infix = 1
                }
            } else if c == ",", isLetter(i - 1), isLetter(i + 1) {
                infix = 1
            } else if EnglishTokenRules.arithmetic.contains(c), isDigitAt(i - 1), isDigitAt(i + 1) || (i + 1 < r.upperBound && s[i + 1] == "-") {
                infix = 1
            } else if EnglishTokenRules.dashes.contains(c), isLetter(i - 1) || isDigitAt(i - 1) {
                var j = i
                while j < r.upperBound, EnglishTokenRules.dashes.contains(s[j]), j - i < 3 { j += 1 }
                if isLetter(j) { infix = j - i }
            } else if EnglishTokenRules.joiners.contains(c), isLetter(i - 1) || isDigitAt(i - 1), isLetter(i + 1) {
                infix = 1
            } else if EnglishTokenRules.isIcon(c) {
                infix = 1
            }
            if infix > 0 {
                if i > start { out.append(start..<i) }
                out.append(i..<(i + infix))
                i += infix
                start = i
            } else {
                i += 1
            }
        }
        if start < r.upperBound { out.append(start..<r.upperBound) }
    }
}
