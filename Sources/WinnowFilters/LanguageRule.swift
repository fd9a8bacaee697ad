import WinnowCore

/// `rule: language`: language identification with a fastText model (lid.176 `.bin` or `.ftz`,
/// GlotLID, or any model with `__label__<lang>` labels), as datatrove's `LanguageFilter`: the text
/// with newlines as spaces, `metadata.language` and `metadata.language_score` set from the best
/// label; kept when one of `languages` scores above `min_score` (or, with no list, when the best
/// label does).
public struct LanguageRule: FilterRule {
    public static let name = "language"

    public let model: any TextClassifier
    public let languages: Set<String>?
    public let minScore: Double
    /// `metadata.language` and `language_score` are annotations later steps group and mix by.
    public var alwaysRecords: Bool { true }

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        guard let path = try settings.existingPath("model") else { throw settings.missing("model", "must name a language-identification model") }
        model = try loaders.classifiers.load(path)
        languages = try settings.strings("languages").map(Set.init)
        minScore = try settings.double("min_score") ?? 0.65
        labelsNeeded = LanguageRule.labelsNeeded(model: model, languages: languages, minScore: minScore)
    }

    /// How many of the top labels can decide: only the best without a language list; with one,
    /// every label scoring above `minScore` — at most 1/minScore of them (one more for rounding)
    /// when the probabilities sum to 1, two at the default 0.65. Asking fastText's tree search
    /// for those few instead of all 176 labels lets it prune most of the tree. The decision is
    /// the same; so are the recorded label and score, except that between labels within about
    /// 1e-4 in log probability (fastText's log(p + 1e-5) can rise along a path, and its pruning
    /// assumes it cannot) the search may keep the other one — both then score under 0.5.
    let labelsNeeded: Int?

    static func labelsNeeded(model: any TextClassifier, languages: Set<String>?, minScore: Double) -> Int? {
        guard languages != nil else { return 1 }
        guard model.probabilitiesSumToOne, minScore > 0, 1 / minScore < Double(model.labels.count) else { return nil }
        return Int(1 / minScore) + 1
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        let predictions = analysis.predictor(for: model).predict(document: doc.text, k: labelsNeeded)
        guard let best = predictions.first else { return .fail("no language") }
        let language = LanguageRule.languageCode(best.label)
        measured["language"] = .string(language)
        measured["language_score"] = JSONValue((Double(best.probability) * 10_000).rounded() / 10_000)
        if let languages {
            let keep = predictions.contains { languages.contains(LanguageRule.languageCode($0.label)) && Double($0.probability) > minScore }
            return keep ? .pass : .fail("not \(languages.sorted().joined(separator: "/"))")
        }
        return Double(best.probability) > minScore ? .pass : .fail("low language score")
    }

    /// `__label__en` → `en`; GlotLID's `__label__eng_Latn` → `eng`.
    static func languageCode(_ label: String) -> String {
        var code = label.hasPrefix("__label__") ? String(label.dropFirst(9)) : label
        if let underscore = code.firstIndex(of: "_") { code = String(code[..<underscore]) }
        return code
    }
}
