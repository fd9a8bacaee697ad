import Testing
import WinnowCore
@testable import WinnowFilters

func check(_ rule: any FilterRule, _ doc: Document) -> (String?, JSONObject) {
    var measured = JSONObject()
    let analysis = DocumentAnalysis(doc, wordSplitting: .auto, tools: RuleTools())
    let result = rule.check(doc, analysis: analysis, measured: &measured)
    return (result.failure, measured)
}

let noClassifiers = RuleLoaders(classifiers: .unavailable)

@Suite struct LengthRuleTests {
    let doc = Document(id: "a", text: "Ünïcode words, here: 3 of them! 中文")

    @Test func countsCharactersAsScalars() {
        let (failure, measured) = check(LengthRule(unit: .characters, min: 40, max: nil), doc)
        #expect(measured["length_characters"] == JSONValue(34))
        #expect(failure == "fewer than 40 characters")
    }

    @Test func countsBytes() {
        let (failure, measured) = check(LengthRule(unit: .bytes, min: nil, max: 30), doc)
        #expect(measured["length_bytes"] == JSONValue(40))
        #expect(failure == "more than 30 bytes")
    }

    @Test func countsWordsAsDatatroveDoes() {
        // Ünïcode words , here : 3 of them ! 中文 — punctuation marks are tokens, as in spaCy.
        let (failure, measured) = check(LengthRule(unit: .words, min: 10, max: 10), doc)
        #expect(measured["length_words"] == JSONValue(10))
        #expect(failure == nil)
    }

    @Test func countsChineseWordsWithICU() {
        let chinese = Document(id: "zh", text: "我们今天去北京大学", metadata: JSONObject([.init(key: "language", value: .string("zh"))]))
        let (_, measured) = check(LengthRule(unit: .words, min: 1, max: nil), chinese)
        #expect((measured["length_words"]?.doubleValue ?? 0) >= 4)
    }
}

@Suite struct FieldRuleTests {
    let doc = Document(id: "a", text: "t", metadata: JSONObject([
        .init(key: "language", value: .string("de")),
        .init(key: "quality", value: .object(JSONObject([.init(key: "score", value: .number("0.75"))]))),
    ]))

    @Test func membership() {
        #expect(check(FieldRule(key: "language", predicate: .oneOf(["en", "de"])), doc).0 == nil)
        #expect(check(FieldRule(key: "language", predicate: .oneOf(["en"])), doc).0 == "language not in [en]")
        #expect(check(FieldRule(key: "language", predicate: .noneOf(["de"])), doc).0 == "language in [de]")
        #expect(check(FieldRule(key: "missing", predicate: .oneOf(["x"])), doc).0 == "missing missing")
    }

    @Test func numericRangesOnNestedKeys() {
        #expect(check(FieldRule(key: "quality.score", predicate: .range(min: 0.5, max: 1)), doc).0 == nil)
        #expect(check(FieldRule(key: "quality.score", predicate: .range(min: 0.8, max: nil)), doc).0 == "quality.score below 0.8")
        #expect(check(FieldRule(key: "language", predicate: .range(min: 0, max: nil)), doc).0 == "language missing or not a number")
    }

    @Test func existence() {
        #expect(check(FieldRule(key: "language", predicate: .exists(true)), doc).0 == nil)
        #expect(check(FieldRule(key: "url", predicate: .exists(true)), doc).0 == "url missing")
    }
}

@Suite struct FilterStageTests {
    func stage(_ yaml: [(String, ConfigNode.Value)]) throws -> FilterStage {
        let rule = ConfigNode(.mapping(yaml.map { ($0.0, ConfigNode($0.1, line: 3, file: "p.yaml")) }), line: 3, file: "p.yaml")
        let root = ConfigNode(.mapping([("rules", ConfigNode(.sequence([rule]), line: 2, file: "p.yaml"))]), line: 1, file: "p.yaml")
        let settings = try SettingsReader(root, owner: "step 'f'")
        let made = try FilterStage(settings: settings, loaders: noClassifiers)
        try settings.finish()
        return made
    }

    @Test func dropModeRejectsWithTheRuleAndReason() throws {
        let filter = try stage([("rule", .scalar("length")), ("min", .scalar("100"))])
        var processor = FilterProcessor(rules: filter.rules, wordSplitting: .auto, tools: RuleTools())
        var doc = Document(id: "a", text: "short")
        #expect(processor.process(&doc) == .reject(rule: "length", reason: "fewer than 100 characters"))
        #expect(doc.metadata["length_characters"] == JSONValue(5))
    }

    @Test func tagModeKeepsAndFlags() throws {
        let filter = try stage([("rule", .scalar("length")), ("min", .scalar("100")), ("mode", .scalar("tag")), ("name", .scalar("too_short"))])
        var processor = FilterProcessor(rules: filter.rules, wordSplitting: .auto, tools: RuleTools())
        var doc = Document(id: "a", text: "short")
        #expect(processor.process(&doc) == .keep)
        #expect(doc.metadata["flagged_by"] == .array([.string("too_short: fewer than 100 characters")]))
    }

    @Test func unknownRuleKeysAndRulesAreErrorsWithLines() throws {
        #expect(throws: WinnowError.config(path: "p.yaml", line: 3,
                                           detail: "step 'f', rule 1: unknown key 'minimum' (known keys: max, min, mode, name, rule, unit)")) {
            try stage([("rule", .scalar("length")), ("min", .scalar("1")), ("minimum", .scalar("100"))])
        }
        #expect(throws: WinnowError.self) { try stage([("rule", .scalar("no_such_rule"))]) }
        #expect(throws: WinnowError.self) { try stage([("rule", .scalar("length")), ("min", .scalar("many"))]) }
    }
}
