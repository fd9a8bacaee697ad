import WinnowCore
import WinnowText

/// One rule of the `filter` stage: its settings, its measurement and its decision.
///
/// A new rule is one file with a type conforming to this protocol plus one line in
/// `FilterRules.all`.
public protocol FilterRule: Sendable {
    /// The name used in pipeline files (`rule: length`).
    static var name: String { get }
    /// Reads the rule's settings; unknown keys are reported by the caller.
    init(settings: SettingsReader, loaders: RuleLoaders) throws
    /// Measures the document, adds what it measured to `measured`, and decides.
    func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult
    /// Whether what the rule measures is written even when it passes in drop mode: true for
    /// rules whose measurement is itself an annotation later steps use (the language).
    var alwaysRecords: Bool { get }
    /// Integer measurements summed into the step's counters (`made`, shown by `winnow status`),
    /// for rules whose work is a count rather than a decision (the PII replacements).
    var counters: [String] { get }
}

extension FilterRule {
    public var alwaysRecords: Bool { false }
    public var counters: [String] { [] }
}

/// A rule's new text for a document, with what the rule already knows of it, so that the rules
/// after it need not work it out again: its scalars, and its English-style tokens with their
/// hashes (C4 keeps whole lines, and tokens never cross a line break, so the kept lines' tokens
/// are the new text's). Equal when the texts are.
public struct RewrittenText: Equatable, Sendable {
    public let utf8: [UInt8]
    let scalars: [Unicode.Scalar]?
    let englishTokens: (words: [Range<Int>], hashes: [PolynomialHash])?

    public init(utf8: [UInt8]) {
        self.init(utf8: utf8, scalars: nil, englishTokens: nil)
    }

    init(utf8: [UInt8], scalars: [Unicode.Scalar]?, englishTokens: (words: [Range<Int>], hashes: [PolynomialHash])?) {
        self.utf8 = utf8
        self.scalars = scalars
        self.englishTokens = englishTokens
    }

    public static func == (a: RewrittenText, b: RewrittenText) -> Bool { a.utf8 == b.utf8 }
}

/// A rule's decision.
public enum RuleResult: Equatable, Sendable {
    case pass
    /// Passes, with the text rewritten (C4's line cleaning); applied only in drop mode.
    case passRewritten(RewrittenText)
    /// Fails, with a short fixed phrase saying why.
    case fail(String)

    public var failure: String? {
        if case let .fail(reason) = self { return reason }
        return nil
    }
}

/// The loaders rules use for files whose format lives outside this module (a fastText model),
/// given when the pipeline is loaded.
public struct RuleLoaders: Sendable {
    public var classifiers: ClassifierLoader

    public init(classifiers: ClassifierLoader) { self.classifiers = classifiers }
}

/// The per-task tools rules share and that are costly to make per document: the ICU word
/// segmenter, a predictor per classifier, the English word tokenizer.
public final class RuleTools {
    private var segmenter: WordSegmenter?
    private var predictors: [ObjectIdentifier: any TextPredictor] = [:]
    /// Made on first use: its cache is megabytes to clear, and a task of a small shard whose
    /// rules count no English words would spend more on it than on its documents.
    private lazy var englishTokenizer = EnglishWordTokenizer()

    /// A predictor of a classifier, made on first use.
    func predictor(for model: any TextClassifier) -> any TextPredictor {
        let key = ObjectIdentifier(model as AnyObject)
        if let predictor = predictors[key] { return predictor }
        let made = model.makePredictor()
        predictors[key] = made
        return made
    }

    public init() {}

    /// English-style word tokens of `text` and their hashes (by one tokenizer per task, whose
    /// chunk cache carries over from document to document).
    func englishWords(_ text: ScalarText) -> (words: [Range<Int>], hashes: [PolynomialHash]) {
        var hashes: [PolynomialHash] = []
        let words = englishTokenizer.tokens(text, in: 0..<text.count, hashes: &hashes)
        return (words, hashes)
    }

    /// ICU word segmentation, made on first use.
    public func words() throws -> WordSegmenter {
        if let segmenter { return segmenter }
        let made = try WordSegmenter()
        segmenter = made
        return made
    }
}

/// The rules the `filter` stage knows.
public enum FilterRules {
    public static let all: [any FilterRule.Type] = [
        LengthRule.self,
        FieldRule.self,
        GopherQualityRule.self,
        GopherRepetitionRule.self,
        C4Rule.self,
        FineWebRule.self,
        LanguageRule.self,
        ToxicityRule.self,
        URLRule.self,
        NormalizeRule.self,
        PIIRule.self,
    ]

    public static func named(_ name: String) -> (any FilterRule.Type)? {
        all.first { $0.name == name }
    }
}
