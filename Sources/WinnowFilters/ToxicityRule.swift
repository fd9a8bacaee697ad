import WinnowCore
import WinnowText

/// `rule: toxicity`: the share of words, and of lines, that hit a word list (one per language,
/// chosen by `metadata.language`, or one for all), and, when a fastText toxicity model is given
/// (such as Dolma's Jigsaw-trained ones), its probability for a label. Writes
/// `metadata.toxicity_word_ratio`, `toxicity_line_ratio` and `toxicity_score`; fails above the
/// configured maxima (Longpre et al. 2023: no single strength is best, so tag mode is typical).
public struct ToxicityRule: FilterRule {
    public static let name = "toxicity"

    public let lexicons: [String: Set<String>]
    public let defaultLexicon: Set<String>?
    public let model: (any TextClassifier)?
    public let label: String
    public let maxWordRatio: Double?
    public let maxLineRatio: Double?
    public let maxScore: Double?

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        defaultLexicon = try settings.string("lexicon").map { try WordListFile.read($0, settings: settings, key: "lexicon") }
        var perLanguage: [String: Set<String>] = [:]
        if let node = settings.node("lexicons") {
            guard case let .mapping(entries) = node.value else { throw settings.error("lexicons", "must map languages to word-list files") }
            for (language, file) in entries {
                guard let path = file.scalar else { throw settings.error("lexicons", "must map languages to word-list files") }
                perLanguage[language] = try WordListFile.read(path, settings: settings, key: "lexicons")
            }
        }
        lexicons = perLanguage
        if let path = try settings.existingPath("model") {
            model = try loaders.classifiers.load(path)
        } else {
            model = nil
        }
        label = try settings.string("label", default: "__label__toxic")
        maxWordRatio = try settings.double("max_word_ratio")
        maxLineRatio = try settings.double("max_line_ratio")
        maxScore = try settings.double("max_score")
        if defaultLexicon == nil && lexicons.isEmpty && model == nil {
            throw settings.missing("lexicon", "or 'lexicons' or 'model' must be given")
        }
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        let language = doc.metadata["language"]?.stringValue
        if let lexicon = language.flatMap({ lexicons[$0] }) ?? defaultLexicon {
            let text = analysis.text
            var hits = 0
            var hitLines = Set<Int>()
            let lines = analysis.pythonLines
            var lineIndex = 0
            for word in analysis.words {
                while lineIndex < lines.count, lines[lineIndex].upperBound <= word.lowerBound { lineIndex += 1 }
                if lexicon.contains(text.string(word).lowercased()) {
                    hits += 1
                    hitLines.insert(lineIndex)
                }
            }
            let wordRatio = analysis.words.isEmpty ? 0 : Double(hits) / Double(analysis.words.count)
            let lineRatio = lines.isEmpty ? 0 : Double(hitLines.count) / Double(lines.count)
            measured["toxicity_word_ratio"] = JSONValue(wordRatio)
            measured["toxicity_line_ratio"] = JSONValue(lineRatio)
            if let maxWordRatio, wordRatio > maxWordRatio { return .fail("word ratio above \(maxWordRatio)") }
            if let maxLineRatio, lineRatio > maxLineRatio { return .fail("line ratio above \(maxLineRatio)") }
        }
        if let model {
            let predictions = analysis.predictor(for: model).predict(document: doc.text, k: nil)
            let score = Double(predictions.first { $0.label == label }?.probability ?? 0)
            measured["toxicity_score"] = JSONValue(score)
            if let maxScore, score > maxScore { return .fail("score above \(maxScore)") }
        }
        return .pass
    }
}
