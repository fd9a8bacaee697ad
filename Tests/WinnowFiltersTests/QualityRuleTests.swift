import Testing
import WinnowCore
import WinnowText
@testable import WinnowFilters

/// Hand-checked cases for the datatrove-compatible rules; agreement at scale is measured by
/// Scripts/crosscheck/filters.py.
@Suite struct QualityRuleTests {
    static let prose = String(repeating: "The cat sat on the mat and looked at the birds with great interest. ", count: 12)

    @Test func gopherQualityPassesProseAndCountsWhatItMeasures() {
        let (failure, measured) = check(GopherQualityRule(), Document(id: "a", text: QualityRuleTests.prose))
        #expect(failure == nil)
        // 14 words and "." a sentence, 12 sentences: 168 non-symbol words of 180 tokens.
        #expect(measured["gopher_words"] == JSONValue(168))
        // the, and, with ("The" is not "the": datatrove compares words as they are).
        #expect(measured["gopher_stop_words"] == JSONValue(3))
    }

    @Test func gopherQualityReasonsInDatatroveOrder() {
        #expect(check(GopherQualityRule(), Document(id: "a", text: "Too short.")).0 == "gopher_short_doc")
        let hashes = String(repeating: "#tag the and ", count: 30)
        #expect(check(GopherQualityRule(), Document(id: "b", text: hashes)).0 == "gopher_too_many_hashes")
        let bullets = String(repeating: "- the item and the other thing\n", count: 20)
        #expect(check(GopherQualityRule(), Document(id: "c", text: bullets)).0 == "gopher_too_many_bullets")
        let noStopWords = String(repeating: "Cats chase mice quickly. ", count: 20)
        #expect(check(GopherQualityRule(), Document(id: "d", text: noStopWords)).0 == "gopher_enough_stop_words")
    }

    @Test func gopherRepetitionFindsRepeatedLines() {
        let repeated = String(repeating: "Buy now and save big today\n", count: 10) + QualityRuleTests.prose
        let (failure, measured) = check(GopherRepetitionRule(), Document(id: "a", text: repeated))
        #expect(failure == "dup_line_frac")
        // 10 repeated lines + 1 prose line + the empty piece after the final newline: 9 of 11 are duplicates.
        #expect(measured["gopher_dup_line_frac"]?.doubleValue.map { abs($0 - 9.0 / 11.0) < 1e-12 } == true)
        // Each 4-gram of the sentence repeats 12 times: "The cat sat on" is 14 × 12 = 168 of 828
        // characters (0.20 > 0.16), while the top 2- and 3-grams stay under their limits.
        #expect(check(GopherRepetitionRule(), Document(id: "b", text: QualityRuleTests.prose)).0 == "top_4_gram")
    }

    @Test func repetitionStatisticsMatchTheirDefinitions() {
        let words = ["a", "b", "a", "b", "a", "b", "c"].map { PolynomialHash($0.unicodeScalars) }
        let lengths = [Int](repeating: 1, count: 7)
        // "a b" appears 3 times, 3 characters each.
        #expect(RepetitionStatistics.topNgramCharacters(words, lengths: lengths, n: 2) == 9)
        // Greedy scan of concatenated 2-grams: ab, ba, then ab again (+2, skip to index 4), ab again
        // (+2, skip to index 6), end.
        #expect(RepetitionStatistics.duplicatedNgramCharacters(words, lengths: lengths, n: 2) == 4)
        // Concatenation without a separator: "ab"+"c" and "a"+"bc" are the same 2-gram.
        let split = ["ab", "c", "a", "bc"].map { PolynomialHash($0.unicodeScalars) }
        #expect(RepetitionStatistics.duplicatedNgramCharacters(split, lengths: [2, 1, 1, 2], n: 2) == 3)
    }

    @Test func c4KeepsTerminatedLinesAndRewritesTheText() {
        let text = """
            Navigation Home About
            This is a proper sentence with enough words. Here is another one!
            Please enable javascript to see this page.
            We use cookies and you accept our privacy policy.
            A third line ends properly. It has two sentences.
            And a fourth sentence is here to reach five.
            """
        let (failure, measured) = check(C4Rule(), Document(id: "a", text: text))
        #expect(failure == nil)
        #expect(measured["c4_lines_removed"] == JSONValue(3))
        #expect(measured["c4_sentences"] == JSONValue(5))
        var processor = FilterProcessor(rules: [.init(rule: C4Rule(), label: "c4", mode: .drop)], wordSplitting: .english,
                                        tools: RuleTools())
        var doc = Document(id: "a", text: text)
        #expect(processor.process(&doc) == .keep)
        #expect(doc.textString == """
            This is a proper sentence with enough words. Here is another one!
            A third line ends properly. It has two sentences.
            And a fourth sentence is here to reach five.
            """)
        #expect(check(C4Rule(), Document(id: "b", text: "function f() { return 1; } is code.")).0 == "curly_bracket")
        #expect(check(C4Rule(), Document(id: "d", text: "Only one sentence is here.")).0 == "too_few_sentences")
        #expect(check(C4Rule(), Document(id: "c", text: text + "\nSome {braces} in a line.")).0 == "curly_bracket")
    }

    @Test func c4RemovesCitations() {
        #expect(C4Rule.removingCitations("Paris[1] is big[edit] and old[citation needed].") == "Paris is big and old.")
        #expect(C4Rule.removingCitations("keep [this] and [1a]") == "keep [this] and [1a]")
    }

    @Test func finewebRatios() {
        let lists = String(repeating: "item\n", count: 30) + "One real sentence here.\n"
        #expect(check(FineWebRule(), Document(id: "a", text: lists)).0 == "line_punct_ratio")
        let short = String(repeating: "Short line.\n", count: 10)
        #expect(check(FineWebRule(), Document(id: "b", text: short)).0 == "short_line_ratio")
        let paragraph = (1...10).map { "This is line number \($0) of a proper paragraph of text." }.joined(separator: "\n")
        #expect(check(FineWebRule(), Document(id: "c", text: paragraph)).0 == nil)
        // The prose is one line ending in a space: no line ends in punctuation, as datatrove sees it.
        #expect(check(FineWebRule(), Document(id: "d", text: QualityRuleTests.prose)).0 == "line_punct_ratio")
    }
}

@Suite struct ListAndNormalizeRuleTests {
    func settings(_ pairs: [(String, String)]) throws -> SettingsReader {
        try SettingsReader(ConfigNode(.mapping(pairs.map { ($0.0, ConfigNode(.scalar($0.1), line: 1, file: "p.yaml")) }),
                                      line: 1, file: "p.yaml"), owner: "rule")
    }

    func file(_ lines: [String]) throws -> String {
        let path = "/tmp/winnow-list-\(UInt64.random(in: 0...UInt64.max)).txt"
        try writeFileAtomically(path, Array((lines.joined(separator: "\n") + "\n").utf8))
        return path
    }

    @Test func urlBlocklistsMatchParentDomainsAndSubstrings() throws {
        let rule = try URLRule(settings: settings([("domains", try file(["# blocked", "bad.example", ""])),
                                                    ("substrings", try file(["casino"]))]), loaders: noClassifiers)
        func doc(_ url: String) -> Document {
            Document(id: "u", text: "t", metadata: JSONObject([.init(key: "url", value: .string(url))]))
        }
        #expect(check(rule, doc("https://www.Bad.Example:8080/page")).0 == "blocked domain")
        #expect(check(rule, doc("https://notbad.example/")).0 == nil)
        #expect(check(rule, doc("http://ok.org/best-casino-online")).0 == "blocked url substring")
        #expect(check(rule, Document(id: "none", text: "no url")).0 == nil)
    }

    @Test func toxicityLexiconRatios() throws {
        let rule = try ToxicityRule(settings: settings([("lexicon", try file(["darn", "heck"])), ("max_word_ratio", "0.2")]),
                                    loaders: noClassifiers)
        let (failure, measured) = check(rule, Document(id: "t", text: "What the heck\nall fine here\nDarn it"))
        // 8 words, 2 hits; 2 of 3 lines.
        #expect(measured["toxicity_word_ratio"] == JSONValue(0.25))
        #expect(measured["toxicity_line_ratio"]?.doubleValue.map { abs($0 - 2.0 / 3.0) < 1e-12 } == true)
        #expect(failure == "word ratio above 0.2")
    }

    @Test func normalizeComposesAndCleansWhitespace() throws {
        let rule = try NormalizeRule(settings: settings([("form", "NFKC")]), loaders: noClassifiers)
        let doc = Document(id: "n", text: "Cafe\u{301}   ﬁne  \n\n\n\n  indented\tline   ")
        var processor = FilterProcessor(rules: [.init(rule: rule, label: "normalize", mode: .drop)], wordSplitting: .auto,
                                        tools: RuleTools())
        var edited = doc
        #expect(processor.process(&edited) == .keep)
        #expect(edited.textString == "Café fine\n\n  indented line")
        #expect(edited.metadata["normalize_changed"] == .bool(true))
    }
}

@Suite struct C4BadWordsTests {
    @Test func badWordsMatchWholeWordsOrAnywhereForUnspacedScripts() throws {
        let list = "/tmp/winnow-badwords-\(UInt64.random(in: 0...UInt64.max)).txt"
        try writeFileAtomically(list, Array("darn\n坏词\n".utf8))
        let node = ConfigNode(.mapping([("bad_words", ConfigNode(.mapping([("en", ConfigNode(.scalar(list), line: 1, file: "p")),
                                                                           ("zh", ConfigNode(.scalar(list), line: 1, file: "p"))]),
                                                                line: 1, file: "p"))]), line: 1, file: "p")
        let rule = try C4Rule(settings: try SettingsReader(node, owner: "c4"), loaders: noClassifiers)
        func doc(_ text: String, _ language: String) -> Document {
            Document(id: "x", text: text, metadata: JSONObject([.init(key: "language", value: .string(language))]))
        }
        #expect(check(rule, doc("Well, Darn it.", "en")).0 == "bad_words")
        #expect(check(rule, doc("The darning needle.", "en")).0 != "bad_words", "not inside a longer word")
        #expect(check(rule, doc("这是坏词的例子。", "zh")).0 == "bad_words")
        #expect(check(rule, doc("Well, darn it.", "fr")).0 != "bad_words", "no list for French")
    }
}
