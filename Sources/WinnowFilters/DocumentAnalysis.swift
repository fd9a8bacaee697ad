import WinnowCore
import WinnowText

/// What the rules of one filter step compute from a document, computed once and shared: the
/// text as characters, its words (English-style tokens as datatrove counts them, or ICU word
/// boundaries for scripts written without spaces), and its lines.
public final class DocumentAnalysis {
    private let bytes: [UInt8]
    private let wordSplitting: WordSplitting
    private let tools: RuleTools
    private let language: String?

    public enum WordSplitting: String, Sendable, CaseIterable {
        /// ICU for Chinese, Japanese, Korean, Thai, Lao, Khmer and Burmese (by
        /// `metadata.language`), English-style tokens for everything else.
        case auto
        case english
        case icu
    }

    public init(_ doc: Document, wordSplitting: WordSplitting, tools: RuleTools) {
        bytes = doc.text
        self.wordSplitting = wordSplitting
        self.tools = tools
        language = doc.metadata["language"]?.stringValue
    }

    /// The analysis of a document a rule rewrote, starting from what the rule knew of the new
    /// text (see `RewrittenText`).
    convenience init(_ doc: Document, wordSplitting: WordSplitting, tools: RuleTools, knowing rewrite: RewrittenText) {
        self.init(doc, wordSplitting: wordSplitting, tools: tools)
        if let scalars = rewrite.scalars { text = ScalarText(scalars: scalars) }
        if let tokens = rewrite.englishTokens { englishTokens = tokens }
    }

    public private(set) lazy var text = ScalarText(utf8: bytes)

    static let spacelessLanguages: Set<String> = ["zh", "ja", "ko", "th", "lo", "km", "my", "bo"]

    /// Whether `words` are English-style tokens (not ICU words).
    public var wordsAreEnglishStyle: Bool {
        switch wordSplitting {
        case .english: return true
        case .icu: return false
        case .auto: return !(language.map { DocumentAnalysis.spacelessLanguages.contains(String($0.prefix(2))) } ?? false)
        }
    }

    /// ICU words, for a document in a language written without spaces.
    private lazy var icuWords: [Range<Int>]? = {
        guard !wordsAreEnglishStyle, let segmenter = try? tools.words() else { return nil }
        return segmenter.wordRanges(text)
    }()

    /// Word tokens (ranges of `text`), datatrove's `split_into_words`.
    public var words: [Range<Int>] { icuWords ?? englishWords }

    /// English-style tokens whatever the language (C4 counts sentences with them), and their
    /// hashes (the tokenizer's cache keeps them with the tokens).
    private lazy var englishTokens = tools.englishWords(text)

    /// English-style tokens whatever the language; the same array as `words` when those are
    /// English-style.
    public var englishWords: [Range<Int>] { englishTokens.words }

    /// The hashes of `englishWords`.
    var englishWordHashes: [PolynomialHash] { englishTokens.hashes }

    /// Each word's polynomial hash (for n-grams and stop words without building strings).
    public private(set) lazy var wordHashes: [PolynomialHash] =
        icuWords.map { $0.map { PolynomialHash(text.scalars[$0]) } } ?? englishTokens.hashes

    /// English-style tokens of another text (a rewritten line) and their hashes, by the task's
    /// tokenizer.
    func englishTokens(of other: ScalarText) -> (words: [Range<Int>], hashes: [PolynomialHash]) { tools.englishWords(other) }

    /// A predictor of `model` for this task (one per model, reused across documents).
    func predictor(for model: any TextClassifier) -> any TextPredictor { tools.predictor(for: model) }

    /// `text.splitlines()`.
    public private(set) lazy var pythonLines: [Range<Int>] = text.pythonSplitLines()
}

extension WordSegmenter {
    /// ICU words as ranges of Unicode scalars.
    func wordRanges(_ text: ScalarText) -> [Range<Int>] {
        var utf8: [UInt8] = []
        var scalarAtByte: [Int32] = []
        utf8.reserveCapacity(text.count)
        for (i, scalar) in text.scalars.enumerated() {
            for byte in UTF8.encode(scalar)! {
                utf8.append(byte)
                scalarAtByte.append(Int32(i))
            }
        }
        var ranges: [Range<Int>] = []
        forEachWord(in: utf8) { range in
            let upper = range.upperBound < scalarAtByte.count ? Int(scalarAtByte[range.upperBound]) : text.count
            ranges.append(Int(scalarAtByte[range.lowerBound])..<upper)
        }
        return ranges
    }
}
