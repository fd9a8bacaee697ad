import WinnowCore
import WinnowText

/// `rule: c4`: C4's cleaning (Raffel et al. 2020) with datatrove's definitions
/// (`C4QualityFilter`). Line by line: drop lines with a word over 1,000 characters, strip
/// Wikipedia citation marks, drop lines that do not end in terminal punctuation (or end in
/// "..."), have fewer than 3 words, mention javascript, or hold a cookie/terms-of-use phrase;
/// drop the document if a kept line has "lorem ipsum" or a curly bracket, or if fewer than 5
/// sentences remain. In drop mode the text becomes the kept lines; in tag mode it is unchanged.
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
    static let policyPhrases = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"]
    static let endPunctuation: Set<Unicode.Scalar> = [".", "?", "!", "\"", "'"]

    public init() {}

    public init(settings: SettingsReader, environment: RuleEnvironment) throws {
        filterNoTerminalPunctuation = try settings.bool("filter_no_terminal_punct", default: true)
        removeCitations = try settings.bool("remove_citations", default: true)
        minSentences = try settings.int("min_num_sentences", default: minSentences)
        minWordsPerLine = try settings.int("min_words_per_line", default: minWordsPerLine)
        maxWordLength = try settings.int("max_word_length", default: maxWordLength)
        filterLoremIpsum = try settings.bool("filter_lorem_ipsum", default: true)
        filterJavascript = try settings.bool("filter_javascript", default: true)
        filterCurlyBracket = try settings.bool("filter_curly_bracket", default: true)
        filterPolicy = try settings.bool("filter_policy", default: true)
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        let text = analysis.text
        let tokenizer = EnglishWordTokenizer()
        var kept: [String] = []
        var sentences = 0
        var removedLines = 0
        let lines = analysis.pythonLines
        var failure: String?
        for range in lines {
            var line = text.string(text.stripped(range))
            let words = line.split(whereSeparator: { $0.unicodeScalars.allSatisfy(ScalarText.isSpace) })
            if maxWordLength >= 0, words.contains(where: { $0.unicodeScalars.count > maxWordLength }) { removedLines += 1; continue }
            if removeCitations { line = C4Rule.removingCitations(line) }
            let scalars = Array(line.unicodeScalars)
            if filterNoTerminalPunctuation,
               scalars.last.map({ !C4Rule.endPunctuation.contains($0) }) ?? true || line.hasSuffix("...") {
                removedLines += 1
                continue
            }
            if words.count < minWordsPerLine { removedLines += 1; continue }
            let lower = line.lowercased()
            if filterLoremIpsum, lower.contains("lorem ipsum") { failure = "lorem_ipsum"; break }
            if filterJavascript, lower.contains("javascript") { removedLines += 1; continue }
            if filterCurlyBracket, line.contains("{") { failure = "curly_bracket"; break }
            if filterPolicy, C4Rule.policyPhrases.contains(where: { lower.contains($0) }) { removedLines += 1; continue }
            if minSentences >= 0 {
                let lineText = ScalarText(line)
                sentences += C4Rule.sentenceCount(tokenizer.tokens(lineText, in: 0..<lineText.count).map { lineText.string($0) })
            }
            kept.append(line)
        }
        measured["c4_lines_removed"] = JSONValue(removedLines)
        measured["c4_sentences"] = JSONValue(sentences)
        if let failure { return .fail(failure) }
        if sentences < minSentences { return .fail("too_few_sentences") }
        let cleaned = Array(kept.joined(separator: "\n").trimmingWhitespace().utf8)
        return cleaned == doc.text ? .pass : .passRewritten(cleaned)
    }

    /// Removes `[12]`, `[]`, `[edit]` and `[citation needed]`.
    static func removingCitations(_ line: String) -> String {
        guard line.contains("[") else { return line }
        var out = ""
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "[") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "]") {
                let inside = after[..<close]
                if inside.allSatisfy({ $0.isASCII && $0.isNumber }) || inside == "edit" || inside == "citation needed" {
                    rest = after[after.index(after: close)...]
                    continue
                }
            }
            out.append("[")
            rest = after
        }
        return out + rest
    }

    /// Sentences as spaCy's sentencizer splits a line: a new sentence starts at the first token
    /// that is not punctuation after a sentence-ending token.
    static func sentenceCount(_ tokens: [String]) -> Int {
        guard !tokens.isEmpty else { return 0 }
        var count = 1
        var seenEnd = false
        for token in tokens {
            let scalars = token.unicodeScalars
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

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = Array(unicodeScalars)
        var lower = 0, upper = scalars.count
        while lower < upper, ScalarText.isSpace(scalars[lower]) { lower += 1 }
        while upper > lower, ScalarText.isSpace(scalars[upper - 1]) { upper -= 1 }
        return String(String.UnicodeScalarView(scalars[lower..<upper]))
    }
}
