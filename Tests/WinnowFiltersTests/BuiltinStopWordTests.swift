import Foundation
import Testing
import WinnowCore
@testable import WinnowFilters

/// The built-in stop-word lists (Scripts/data/stop_words.py) do for each language what Gopher's
/// list does for English: real documents of the language pass the stop-word check, with the
/// words the analysis actually splits out (English-style tokens, ICU words for Chinese and
/// Japanese).
@Suite struct BuiltinStopWordTests {
    static let samples = String(#filePath.dropLast("Tests/WinnowFiltersTests/BuiltinStopWordTests.swift".count)) + "Samples/web"

    /// Sample documents by `metadata.language`, longer than 2,000 bytes (short ones are mostly
    /// navigation pages).
    static func samplesByLanguage() throws -> [String: [Document]] {
        var byLanguage: [String: [Document]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: samples).sorted() where name.hasSuffix(".jsonl.zst") {
            let reader = try ShardReader(path: samples + "/" + name)
            while let record = try reader.next() {
                guard case let .document(doc, _) = record, doc.text.count > 2_000,
                      let language = doc.metadata["language"]?.stringValue else { continue }
                byLanguage[language, default: []].append(doc)
            }
        }
        return byLanguage
    }

    @Test func documentsOfEachListedLanguagePassTheStopWordCheck() throws {
        let byLanguage = try BuiltinStopWordTests.samplesByLanguage()
        var rule = GopherQualityRule()
        // Only the stop-word check: every other bound off.
        (rule.minWords, rule.maxWords, rule.minMeanWordLength, rule.maxMeanWordLength) = (0, 0, 0, 0)
        (rule.maxSymbolWordRatio, rule.maxBulletLinesRatio, rule.maxEllipsisLinesRatio, rule.minAlphaWordsRatio) = (0, 0, 0, 0)
        let english = (byLanguage["en"] ?? []).prefix(40)
        var tested = 0
        for language in BuiltinStopWords.byLanguage.keys.sorted() {
            guard let docs = byLanguage[language], docs.count >= 3 else { continue }
            tested += 1
            let passing = docs.filter { check(rule, $0).0 == nil }.count
            #expect(Double(passing) >= 0.9 * Double(docs.count), "\(language): \(passing) of \(docs.count) pass")
            // The list is the language's, not just common words: English documents read as this
            // language mostly fail.
            let passingEnglish = english.filter { check(rule, tagged($0, language)).0 == nil }.count
            print("stop words \(language): \(passing) of \(docs.count) pass; English as \(language): \(passingEnglish) of \(english.count)")
            #expect(Double(passingEnglish) < 0.5 * Double(english.count), "\(language): \(passingEnglish) of \(english.count) English documents pass")
        }
        #expect(tested >= 10, "the samples hold \(tested) listed languages")
    }

    func tagged(_ doc: Document, _ language: String) -> Document {
        var doc = doc
        doc.metadata["language"] = .string(language)
        return doc
    }

    @Test func aListForEveryDocumentReplacesTheBuiltInOnes() throws {
        func node(_ value: ConfigNode.Value) -> ConfigNode { ConfigNode(value, line: 1, file: "p.yaml") }
        func rule(_ stopWords: ConfigNode.Value) throws -> GopherQualityRule {
            let settings = try SettingsReader(node(.mapping([("stop_words", node(stopWords))])), owner: "gopher_quality")
            return try GopherQualityRule(settings: settings, loaders: noClassifiers)
        }
        let listed = try rule(.sequence([node(.scalar("foo")), node(.scalar("bar"))]))
        #expect(listed.stopWords == ["foo", "bar"])
        #expect(listed.stopWordsByLanguage.isEmpty)
        let mapped = try rule(.mapping([("de", node(.sequence([node(.scalar("foo"))])))]))
        #expect(mapped.stopWordsByLanguage["de"] == ["foo"])
        #expect(mapped.stopWordsByLanguage["fr"] == GopherQualityRule.builtinStopWords["fr"])
        #expect(mapped.stopWords == GopherQualityRule.gopherStopWords)
    }
}
