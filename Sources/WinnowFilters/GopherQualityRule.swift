import WinnowCore
import WinnowText

/// `rule: gopher_quality`: the quality heuristics of Gopher (Rae et al. 2021, appendix A1), with
/// datatrove's definitions and defaults (`GopherQualityFilter`): word-count bounds and mean word
/// length over non-symbol words, `#` and ellipsis to word ratios, bullet and ellipsis line
/// ratios, the share of words with a letter, and stop-word presence. Any bound can be switched
/// off by setting it to 0.
public struct GopherQualityRule: FilterRule {
    public static let name = "gopher_quality"

    public var minWords = 50, maxWords = 100_000
    public var minMeanWordLength = 3.0, maxMeanWordLength = 10.0
    public var maxSymbolWordRatio = 0.1
    public var maxBulletLinesRatio = 0.9
    public var maxEllipsisLinesRatio = 0.3
    public var minAlphaWordsRatio = 0.8
    public var minStopWords = 2
    /// Gopher's stop words, used for every document unless `stopWordsByLanguage` has its language.
    /// (Setting it leaves `stopWordsByLanguage` alone; the pipeline file's one-list form clears
    /// that too, as datatrove has one list for all.)
    public var stopWords: Set<String> = GopherQualityRule.gopherStopWords {
        didSet { stopWordList = StopWordList(stopWords) }
    }
    /// Lists by `metadata.language`; by default the built-in ones (`BuiltinStopWords`), so that
    /// a multilingual pipeline does not drop every non-English document for lacking "the".
    public var stopWordsByLanguage: [String: Set<String>] = GopherQualityRule.builtinStopWords {
        didSet { stopWordListByLanguage = stopWordsByLanguage.mapValues(StopWordList.init) }
    }
    private var stopWordList = StopWordList(GopherQualityRule.gopherStopWords)
    static let gopherStopWords: Set<String> = ["the", "be", "to", "of", "and", "that", "have", "with"]
    static let builtinStopWords = BuiltinStopWords.byLanguage.mapValues { Set($0) }
    private var stopWordListByLanguage = GopherQualityRule.builtinStopWords.mapValues(StopWordList.init)

    public init() {}

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        minWords = try settings.int("min_doc_words", default: minWords)
        maxWords = try settings.int("max_doc_words", default: maxWords)
        minMeanWordLength = try settings.double("min_avg_word_length") ?? minMeanWordLength
        maxMeanWordLength = try settings.double("max_avg_word_length") ?? maxMeanWordLength
        maxSymbolWordRatio = try settings.double("max_symbol_word_ratio") ?? maxSymbolWordRatio
        maxBulletLinesRatio = try settings.double("max_bullet_lines_ratio") ?? maxBulletLinesRatio
        maxEllipsisLinesRatio = try settings.double("max_ellipsis_lines_ratio") ?? maxEllipsisLinesRatio
        minAlphaWordsRatio = try settings.double("min_alpha_words_ratio") ?? minAlphaWordsRatio
        minStopWords = try settings.int("min_stop_words", default: minStopWords)
        // A list for every document (as datatrove takes it; no built-in lists then), or a mapping
        // of languages (metadata.language) to lists, each replacing that language's built-in
        // list (the other languages keep theirs).
        if let node = settings.node("stop_words") {
            switch node.value {
            case .mapping(let entries):
                for (language, list) in entries {
                    guard case let .sequence(items) = list.value else { throw settings.error("stop_words", "must map languages to lists") }
                    stopWordsByLanguage[language] = Set(items.compactMap(\.scalar))
                }
            case .sequence(let items):
                stopWords = Set(items.compactMap(\.scalar))
                stopWordsByLanguage = [:]
            case .scalar(let word):
                stopWords = [word]
                stopWordsByLanguage = [:]
            }
            // Observers do not run inside an initialiser.
            stopWordList = StopWordList(stopWords)
            stopWordListByLanguage = stopWordsByLanguage.mapValues(StopWordList.init)
        }
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        let text = analysis.text
        let words = analysis.words
        let n = words.count
        var nonSymbol = 0, nonSymbolLength = 0, alphaWords = 0
        text.scalars.withUnsafeBufferPointer { scalars in
            for word in words {
                let token = UnsafeBufferPointer(rebasing: scalars[word])
                if token.contains(where: { !CharacterClasses.punctuation.contains($0) }) {
                    nonSymbol += 1
                    nonSymbolLength += word.count
                }
                if token.contains(where: ScalarText.isAlpha) { alphaWords += 1 }
            }
        }
        let meanLength = nonSymbol > 0 ? Double(nonSymbolLength) / Double(nonSymbol) : .nan
        let symbols = GopherQualityRule.symbolCounts(text)
        let hashRatio = n > 0 ? Double(symbols.hashes) / Double(n) : 0
        let ellipsisRatio = n > 0 ? Double(symbols.ellipses) / Double(n) : 0
        let lines = analysis.pythonLines
        var bullets = 0, ellipsisLines = 0
        for line in lines {
            let stripped = text.stripped(line)
            let start = stripped.lowerBound
            if start < line.upperBound, text.scalars[start] == "•" || text.scalars[start] == "-" { bullets += 1 }
            // Ends (before trailing white space) with "..." or "…".
            let trimmed = text.scalars[line.lowerBound..<stripped.upperBound]
            if trimmed.last == "…" || trimmed.hasSuffix(C4Rule.ellipsis) { ellipsisLines += 1 }
        }
        let bulletRatio = lines.isEmpty ? 0 : Double(bullets) / Double(lines.count)
        let ellipsisLineRatio = lines.isEmpty ? 0 : Double(ellipsisLines) / Double(lines.count)
        let alphaRatio = n > 0 ? Double(alphaWords) / Double(n) : 0
        let stops = doc.metadata["language"]?.stringValue.flatMap { stopWordListByLanguage[$0] } ?? stopWordList
        let stopWordCount = stops.distinctCount(in: text, tokens: words, hashes: analysis.wordHashes)

        measured["gopher_words"] = JSONValue(nonSymbol)
        measured["gopher_mean_word_length"] = meanLength.isNaN ? .null : JSONValue(meanLength)
        measured["gopher_hash_ratio"] = JSONValue(hashRatio)
        measured["gopher_ellipsis_ratio"] = JSONValue(ellipsisRatio)
        measured["gopher_bullet_lines_ratio"] = JSONValue(bulletRatio)
        measured["gopher_ellipsis_lines_ratio"] = JSONValue(ellipsisLineRatio)
        measured["gopher_alpha_words_ratio"] = JSONValue(alphaRatio)
        measured["gopher_stop_words"] = JSONValue(stopWordCount)

        if minWords > 0 && nonSymbol < minWords { return .fail("gopher_short_doc") }
        if maxWords > 0 && nonSymbol > maxWords { return .fail("gopher_long_doc") }
        if minMeanWordLength > 0 && meanLength < minMeanWordLength { return .fail("gopher_below_avg_threshold") }
        if maxMeanWordLength > 0 && meanLength > maxMeanWordLength { return .fail("gopher_above_avg_threshold") }
        if maxSymbolWordRatio > 0 && hashRatio > maxSymbolWordRatio { return .fail("gopher_too_many_hashes") }
        if maxSymbolWordRatio > 0 && ellipsisRatio > maxSymbolWordRatio { return .fail("gopher_too_many_ellipsis") }
        if maxBulletLinesRatio > 0 && bulletRatio > maxBulletLinesRatio { return .fail("gopher_too_many_bullets") }
        if maxEllipsisLinesRatio > 0 && ellipsisLineRatio > maxEllipsisLinesRatio { return .fail("gopher_too_many_end_ellipsis") }
        if minAlphaWordsRatio > 0 && alphaRatio < minAlphaWordsRatio { return .fail("gopher_below_alpha_threshold") }
        if minStopWords > 0 && stopWordCount < minStopWords { return .fail("gopher_enough_stop_words") }
        return .pass
    }

    /// Python's `text.count("#")` and `text.count("...") + text.count("…")`, in one pass (the
    /// three never overlap: each count looks for a different character).
    static func symbolCounts(_ text: ScalarText) -> (hashes: Int, ellipses: Int) {
        text.scalars.withUnsafeBufferPointer { s in
            var hashes = 0, ellipses = 0, i = 0
            while i < s.count {
                let c = s[i]
                if c == "#" {
                    hashes += 1
                } else if c == "…" {
                    ellipses += 1
                } else if c == ".", i + 2 < s.count, s[i + 1] == ".", s[i + 2] == "." {
                    ellipses += 1
                    i += 3
                    continue
                }
                i += 1
            }
            return (hashes, ellipses)
        }
    }
}
