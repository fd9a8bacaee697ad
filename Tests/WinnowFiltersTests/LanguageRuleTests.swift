import Testing
import WinnowClassifier
import WinnowCore
@testable import WinnowFilters

/// `rule: language` with the bundled lid.176 model (Samples/models/lid.176.ftz).
@Suite struct LanguageRuleTests {
    static let model = String(#filePath.dropLast("Tests/WinnowFiltersTests/LanguageRuleTests.swift".count)) + "Samples/models/lid.176.ftz"
    static let english = Document(id: "en", text: "The committee published its annual report on Tuesday,\nand the findings surprised many readers.")
    static let french = Document(id: "fr", text: "Le comité a publié son rapport annuel mardi, et les conclusions ont surpris de nombreux lecteurs.")

    func rule(_ pairs: [(String, ConfigNode.Value)]) throws -> LanguageRule {
        let node = ConfigNode(.mapping([("model", ConfigNode(.scalar(Self.model), line: 1, file: "p.yaml"))]
                                       + pairs.map { ($0.0, ConfigNode($0.1, line: 1, file: "p.yaml")) }), line: 1, file: "p.yaml")
        let settings = try SettingsReader(node, owner: "language")
        let made = try LanguageRule(settings: settings, loaders: RuleLoaders(classifiers: FastTextModel.loader))
        try settings.finish()
        return made
    }

    @Test func recordsTheBestLanguageAndKeepsListedOnes() throws {
        let english = try rule([("languages", .sequence([ConfigNode(.scalar("en"), line: 1, file: "p.yaml")]))])
        let (kept, measured) = check(english, Self.english)
        #expect(kept == nil)
        #expect(measured["language"] == .string("en"))
        #expect((measured["language_score"]?.doubleValue ?? 0) > 0.9)
        let (dropped, frenchMeasured) = check(english, Self.french)
        #expect(dropped == "not en")
        // What was found is recorded even when the document is dropped.
        #expect(frenchMeasured["language"] == .string("fr"))
    }

    @Test func withoutAListTheBestLabelMustClearTheScore() throws {
        #expect(check(try rule([]), Self.french).0 == nil)
        let strict = try rule([("min_score", .scalar("0.99999"))])
        #expect(check(strict, Document(id: "mixed", text: "ok merci danke gracias")).0 == "low language score")
    }

    /// The tree search asks for only the labels that can decide: the best without a list,
    /// 1/min_score + 1 with one (the probabilities of a softmax model sum to one).
    @Test func asksForOnlyTheLabelsThatCanDecide() throws {
        #expect(try rule([]).labelsNeeded == 1)
        #expect(try rule([("languages", .sequence([ConfigNode(.scalar("de"), line: 1, file: "p.yaml")]))]).labelsNeeded == 2)
        #expect(LanguageRule.languageCode("__label__eng_Latn") == "eng")
        #expect(LanguageRule.languageCode("__label__pt") == "pt")
    }

    @Test func aMissingModelIsAConfigurationError() throws {
        let node = ConfigNode(.mapping([("model", ConfigNode(.scalar("/nonexistent/lid.bin"), line: 4, file: "p.yaml"))]), line: 4, file: "p.yaml")
        #expect(throws: WinnowError.self) {
            _ = try LanguageRule(settings: try SettingsReader(node, owner: "language"), loaders: noClassifiers)
        }
    }
}

@Suite struct RuleTimingTests {
    /// Each configured rule's time is reported under its label once the task ends.
    @Test func everyRuleIsTimedUnderItsLabel() throws {
        let rules = ConfigNode(.sequence([
            ConfigNode(.mapping([("rule", ConfigNode(.scalar("length"), line: 3, file: "p.yaml")),
                                 ("min", ConfigNode(.scalar("1"), line: 3, file: "p.yaml"))]), line: 3, file: "p.yaml"),
            ConfigNode(.mapping([("rule", ConfigNode(.scalar("gopher_repetition"), line: 4, file: "p.yaml"))]), line: 4, file: "p.yaml"),
        ]), line: 2, file: "p.yaml")
        let settings = try SettingsReader(ConfigNode(.mapping([("rules", rules)]), line: 1, file: "p.yaml"), owner: "step 'f'")
        let filter = try FilterStage(settings: settings, loaders: noClassifiers)
        var processor = FilterProcessor(rules: filter.rules, wordSplitting: .auto, tools: RuleTools())
        for i in 0..<50 {
            var doc = Document(id: "\(i)", text: String(repeating: "some words of text \(i) ", count: 40))
            _ = processor.process(&doc)
        }
        var stats = TaskStats()
        processor.finish(&stats)
        #expect(Set(stats.ruleSeconds.keys) == ["length", "gopher_repetition"])
        #expect(stats.ruleSeconds.values.allSatisfy { $0 > 0 })
    }
}
