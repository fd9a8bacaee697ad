import WinnowCore
import WinnowText

/// `rule: c4`: C4's cleaning (Raffel et al. 2020) with datatrove's definitions
/// (`C4QualityFilter`). Line by line: drop lines with a word over 1,000 characters, strip
/// Wikipedia citation marks, drop lines that do not end in terminal punctuation (or end in
/// "..."), have fewer than 3 words, mention javascript, or hold a cookie/terms-of-use phrase;
/// drop the document if a kept line has "lorem ipsum" or a curly bracket, or if fewer than 5
/// sentences remain. In drop mode the text becomes the kept lines; in tag mode it is unchanged.
/// With `bad_words` (a word-list file, or `{language: file}` chosen by `metadata.language`), a
/// document holding a listed word is dropped, as C4's bad-words filter (LDNOOBW lists) does:
/// matched on the lowercased text between non-word characters, or anywhere for Chinese,
/// Japanese and Thai, which do not separate words.
public struct C4Rule: FilterRule {
    public static let name = "c4"

    public var filterNoTerminalPunctuation = true
    public var removeCitations = true
    public var minSentences = 5
    public var minWordsPerLine = 3
    public var maxWordLength = 1000
    public var filterLoremIpsum = true
    public var filterJavascript = true
    public var filterCurlyBracket = true
    public var filterPolicy = true
    public var badWords: [String: [[Unicode.Scalar]]] = [:]
    public var defaultBadWords: [[Unicode.Scalar]] = []
    static let unbounded: Set<String> = ["zh", "ja", "th"]
    static let policyPhrases = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"]
        .map { Array($0.unicodeScalars) }
    static let loremIpsum = Array("lorem ipsum".unicodeScalars)
    static let javascript = Array("javascript".unicodeScalars)
    /// Bit `first << 7 | second` set for the first two letters of every phrase: a place whose
    /// two letters (ASCII, lowercased) are not a phrase's start needs no comparison, and
    /// testing that is one predictable branch per character.
    static let phraseStarts: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 128 * 128 / 64)
        for phrase in policyPhrases + [loremIpsum, javascript] {
            let pair = Int(phrase[0].value) << 7 | Int(phrase[1].value)
            bits[pair >> 6] |= 1 << UInt64(pair & 63)
        }
        return bits
    }()
    static let endPunctuation: Set<Unicode.Scalar> = [".", "?", "!", "\"", "'"]

    public init() {}

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        filterNoTerminalPunctuation = try settings.bool("filter_no_terminal_punct", default: true)
        removeCitations = try settings.bool("remove_citations", default: true)
        minSentences = try settings.int("min_num_sentences", default: minSentences)
        minWordsPerLine = try settings.int("min_words_per_line", default: minWordsPerLine)
        maxWordLength = try settings.int("max_word_length", default: maxWordLength)
        filterLoremIpsum = try settings.bool("filter_lorem_ipsum", default: true)
        filterJavascript = try settings.bool("filter_javascript", default: true)
        filterCurlyBracket = try settings.bool("filter_curly_bracket", default: true)
        filterPolicy = try settings.bool("filter_policy", default: true)
        if let node = settings.node("bad_words") {
            func load(_ path: String) throws -> [[Unicode.Scalar]] {
                try WordListFile.read(path, settings: settings, key: "bad_words").sorted().map { Array($0.unicodeScalars) }
            }
            switch node.value {
            case let .scalar(path): defaultBadWords = try load(path)
            case let .mapping(entries):
                for (language, file) in entries {
                    guard let path = file.scalar else { throw settings.error("bad_words", "must map languages to word-list files") }
                    badWords[language] = try load(path)
                }
            case .sequence: throw settings.error("bad_words", "must be a file or a mapping of languages to files")
            }
        }
    }

    /// The first listed word found in the text, if any.
    func badWord(in text: ScalarText, language: String?) -> String? {
        let list = language.flatMap { badWords[$0] } ?? defaultBadWords
        guard !list.isEmpty else { return nil }
        let bounded = !C4Rule.unbounded.contains(language ?? "")
        let lower = text.scalars.map { Unicode.Scalar(String($0).lowercased().unicodeScalars.first!.value)! }
        func isWordCharacter(_ i: Int) -> Bool {
            i >= 0 && i < lower.count && (ScalarText.isAlpha(lower[i]) || lower[i].properties.numericType != nil || lower[i] == "_")
        }
        for word in list where !word.isEmpty {
            var i = 0
            while i + word.count <= lower.count {
                if lower[i] == word[0], lower[i..<(i + word.count)].elementsEqual(word),
                   !bounded || (!isWordCharacter(i - 1) && !isWordCharacter(i + word.count)) {
                    return String(String.UnicodeScalarView(word))
                }
                i += 1
            }
        }
        return nil
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        let text = analysis.text
        if let word = badWord(in: text, language: doc.metadata["language"]?.stringValue) {
            measured["c4_bad_word"] = .string(word)
            return .fail("bad_words")
        }
        var kept: [ArraySlice<Unicode.Scalar>] = []
        // The kept lines' English tokens and hashes, at their offsets in the joined text (known
        // when sentences are counted; they are the rewritten text's tokens).
        var keptTokens: [Range<Int>] = [], keptHashes: [PolynomialHash] = []
        var keptLength = 0
        var sentences = 0
        var removedLines = 0
        var failure: String?
        var wordCursor = 0
        for range in analysis.pythonLines {
            let stripped = text.stripped(range)
            var line = text.scalars[stripped]
            let (words, longest) = C4Rule.wordStatistics(line)
            if maxWordLength >= 0, longest > maxWordLength { removedLines += 1; continue }
            var rewritten = false
            if removeCitations, line.contains("[") {
                line = C4Rule.removingCitations(line)
                rewritten = line.count != stripped.count
            }
            if filterNoTerminalPunctuation, line.last.map({ !C4Rule.endPunctuation.contains($0) }) ?? true || line.hasSuffix(C4Rule.ellipsis) {
                removedLines += 1
                continue
            }
            if words < minWordsPerLine { removedLines += 1; continue }
            let marks = C4Rule.marks(line)
            if filterLoremIpsum, marks.contains(.loremIpsum) { failure = "lorem_ipsum"; break }
            if filterJavascript, marks.contains(.javascript) { removedLines += 1; continue }
            if filterCurlyBracket, marks.contains(.curlyBracket) { failure = "curly_bracket"; break }
            if filterPolicy, marks.contains(.policy) { removedLines += 1; continue }
            if minSentences >= 0 {
                let lineStart = keptLength + kept.count
                if rewritten {
                    let lineText = ScalarText(scalars: Array(line))
                    let tokens = analysis.englishTokens(of: lineText)
                    sentences += C4Rule.sentenceCount(lineText.scalars, tokens.words[...])
                    keptTokens.append(contentsOf: tokens.words.lazy.map { ($0.lowerBound + lineStart)..<($0.upperBound + lineStart) })
                    keptHashes.append(contentsOf: tokens.hashes)
                } else {
                    // Tokens never cross white space, so the document's tokens inside this line are
                    // the line's own: no second tokenisation.
                    let words = analysis.englishWords
                    while wordCursor < words.count, words[wordCursor].lowerBound < stripped.lowerBound { wordCursor += 1 }
                    var end = wordCursor
                    while end < words.count, words[end].upperBound <= stripped.upperBound { end += 1 }
                    sentences += C4Rule.sentenceCount(text.scalars, words[wordCursor..<end])
                    let shift = lineStart - stripped.lowerBound
                    keptTokens.append(contentsOf: words[wordCursor..<end].lazy.map { ($0.lowerBound + shift)..<($0.upperBound + shift) })
                    keptHashes.append(contentsOf: analysis.englishWordHashes[wordCursor..<end])
                    wordCursor = end
                }
            }
            kept.append(line)
            keptLength += line.count
        }
        measured["c4_lines_removed"] = JSONValue(removedLines)
        measured["c4_sentences"] = JSONValue(sentences)
        if let failure { return .fail(failure) }
        if sentences < minSentences { return .fail("too_few_sentences") }
        var joined: [Unicode.Scalar] = []
        joined.reserveCapacity(text.count)
        for (i, line) in kept.enumerated() {
            if i > 0 { joined.append("\n") }
            joined.append(contentsOf: line)
        }
        let cleanedText = ScalarText(scalars: joined)
        let cleanedRange = cleanedText.stripped(0..<cleanedText.count)
        // Most kept documents come out unchanged: compare as scalars before encoding anything.
        if cleanedText.scalars[cleanedRange].elementsEqual(text.scalars) { return .pass }
        // Stripping the joined text moves every token by the same amount (tokens hold no white space).
        let englishTokens = minSentences >= 0
            ? (words: keptTokens.map { ($0.lowerBound - cleanedRange.lowerBound)..<($0.upperBound - cleanedRange.lowerBound) }, hashes: keptHashes)
            : nil
        return .passRewritten(RewrittenText(utf8: cleanedText.utf8(cleanedRange), scalars: Array(cleanedText.scalars[cleanedRange]),
                                            englishTokens: englishTokens))
    }

    static let ellipsis: [Unicode.Scalar] = [".", ".", "."]

    /// Python's `line.split()`: the number of words and the length of the longest.
    static func wordStatistics(_ line: ArraySlice<Unicode.Scalar>) -> (count: Int, longest: Int) {
        var count = 0, longest = 0, current = 0
        for scalar in line {
            if ScalarText.isSpace(scalar) {
                if current > 0 { count += 1; longest = max(longest, current); current = 0 }
            } else {
                current += 1
            }
        }
        if current > 0 { count += 1; longest = max(longest, current) }
        return (count, longest)
    }

    /// Removes `[12]`, `[]`, `[edit]` and `[citation needed]`.
    static func removingCitations(_ line: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var out: [Unicode.Scalar] = []
        var i = line.startIndex
        while i < line.endIndex {
            if line[i] == "[", let close = line[i...].firstIndex(of: "]") {
                let inside = line[(i + 1)..<close]
                if inside.allSatisfy({ $0.value >= 0x30 && $0.value <= 0x39 }) || inside.elementsEqual("edit".unicodeScalars)
                    || inside.elementsEqual("citation needed".unicodeScalars) {
                    i = close + 1
                    continue
                }
            }
            out.append(line[i])
            i += 1
        }
        return out[...]
    }

    static func removingCitations(_ line: String) -> String {
        String(String.UnicodeScalarView(removingCitations(Array(line.unicodeScalars)[...])))
    }

    /// Sentences as spaCy's sentencizer splits a line: a new sentence starts at the first token
    /// that is not punctuation after a sentence-ending token.
    static func sentenceCount(_ text: [Unicode.Scalar], _ tokens: ArraySlice<Range<Int>>) -> Int {
        guard !tokens.isEmpty else { return 0 }
        var count = 1
        var seenEnd = false
        for token in tokens {
            let scalars = text[token]
            let isEnder = scalars.count == 1 && CharacterClasses.sentenceEnders.contains(scalars.first!)
            if seenEnd && !isEnder && !scalars.allSatisfy(isPunctuation) {
                count += 1
                seenEnd = false
            } else if isEnder {
                seenEnd = true
            }
        }
        return count
    }

    /// ASCII punctuation by Unicode category, computed once (most tokens are ASCII).
    static let asciiPunctuation = ScalarSet(ranges: (0..<128).compactMap { value in
        isPunctuationCategory(Unicode.Scalar(value)!) ? UInt32(value)...UInt32(value) : nil
    })

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        s.value < 128 ? asciiPunctuation.contains(s) : isPunctuationCategory(s)
    }

    static func isPunctuationCategory(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }
}

extension ArraySlice where Element == Unicode.Scalar {
    func hasSuffix(_ suffix: [Unicode.Scalar]) -> Bool { count >= suffix.count && self.suffix(suffix.count).elementsEqual(suffix) }
}

extension C4Rule {
    /// What a line holds of C4's phrases and marks.
    struct LineMarks: OptionSet {
        let rawValue: UInt8
        static let loremIpsum = LineMarks(rawValue: 1)
        static let javascript = LineMarks(rawValue: 2)
        static let curlyBracket = LineMarks(rawValue: 4)
        static let policy = LineMarks(rawValue: 8)
    }

    /// The marks of a line in one pass (phrases compared with ASCII letters folded to lowercase,
    /// as datatrove lowercases the line), instead of one search per phrase.
    static func marks(_ line: ArraySlice<Unicode.Scalar>) -> LineMarks {
        line.withUnsafeBufferPointer { s in
            @inline(__always) func lower(_ i: Int) -> UInt32 {
                let v = s[i].value
                return v >= 0x41 && v <= 0x5A ? v | 0x20 : v
            }
            func matches(_ phrase: [Unicode.Scalar], at i: Int) -> Bool {
                guard i + phrase.count <= s.count else { return false }
                for k in 1..<phrase.count where lower(i + k) != phrase[k].value { return false }
                return true
            }
            var marks: LineMarks = []
            let starts = C4Rule.phraseStarts
            for i in 0..<s.count {
                let c = lower(i)
                if c == 0x7B { marks.insert(.curlyBracket); continue }
                guard c < 128, i + 1 < s.count else { continue }
                let next = lower(i + 1)
                guard next < 128, starts[Int(c << 7 | next) >> 6] >> UInt64(next & 63) & 1 == 1 else { continue }
                switch c {
                case 0x6C: if matches(loremIpsum, at: i) { marks.insert(.loremIpsum) }
                case 0x6A: if matches(javascript, at: i) { marks.insert(.javascript) }
                case 0x74, 0x70, 0x63, 0x75:
                    if policyPhrases.contains(where: { $0[0].value == lower(i) && matches($0, at: i) }) { marks.insert(.policy) }
                default: break
                }
            }
            return marks
        }
    }
}
