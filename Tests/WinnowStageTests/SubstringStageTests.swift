import Foundation
import Testing
import WinnowCore

/// Exact-substring dedup: a long stretch repeated across documents is cut from its later
/// copies (or from all of them), spans never split a character, and a document that was only
/// repeated text is rejected.
@Suite struct SubstringStageTests {
    static let boilerplate = "Terms of use: this page and everything on it is provided as is, without warranty of any kind — © Exämple Corp."

    static func line(_ id: String, _ text: String) -> String {
        JSONWriter.string(.object(JSONObject([.init(key: "id", value: .string(id)), .init(key: "text", value: .string(text))])))
    }

    static let shards: [[String]] = [
        [line("a", "An article about boats. " + boilerplate), line("b", "Short and unique.")],
        [line("c", "Another article, on trains. " + boilerplate + " Comments are closed."), line("d", boilerplate),
         #"{"id":"bad","text":"#],
    ]

    static func steps(_ settings: String) -> String {
        """
          - id: dedup
            stage: dedup
            from: input
            method: substring
            min_bytes: 50
        \(settings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    @Test func laterCopiesLoseTheRepeatedText() throws {
        let input = try StageHarness.writeShards("substring", Self.shards)
        let run = try StageHarness("substring", steps: Self.steps(""), input: input)
        let phases = try run.run("dedup")
        #expect(phases[0].made["repeated spans"] == 2 && phases[1].addsUp && phases[1].docsIn == 5)
        let kept = Dictionary(uniqueKeysWithValues: try run.documents(in: run.output("dedup")).map { ($0.id, $0) })
        #expect(kept["a"]?.textString == "An article about boats. " + Self.boilerplate)
        // "s. " before the boilerplate ("boats. ", "trains. ") repeats with it.
        #expect(kept["c"]?.textString == "Another article, on train Comments are closed.")
        #expect(kept["b"]?.textString == "Short and unique.")
        #expect(kept["d"] == nil)
        let rejected = try run.documents(in: run.rejected("dedup"))
        #expect(rejected.first { $0.id == "d" }?.metadata["rejected_by"]?.stringValue == "dedup: repeated text only")
        #expect(rejected.first { $0.id == "d" }?.textString == Self.boilerplate)
    }

    @Test func removeAllStrikesEveryCopyAndTagModeGivesCharacterSpans() throws {
        let input = try StageHarness.writeShards("substring-all", Self.shards)
        let run = try StageHarness("substring-all", steps: Self.steps("remove: all\nmode: tag"), input: input)
        try run.run("dedup")
        let kept = Dictionary(uniqueKeysWithValues: try run.documents(in: run.output("dedup")).map { ($0.id, $0) })
        #expect(kept.count == 4)
        // In "a" the repeat starts at "s. " before the boilerplate: character 21.
        let a = try #require(kept["a"]?.metadata["substring_duplicate_spans"])
        let length = Self.boilerplate.unicodeScalars.count
        #expect(a == .array([.array([JSONValue(21), JSONValue(24 + length)])]))
        #expect(kept["d"]?.metadata["substring_duplicate_fraction"]?.doubleValue == 1)
        #expect(kept["b"]?.metadata["substring_duplicate_spans"] == nil)
    }

    @Test func aCorpusOverTheMemorySettingIsRefusedClearly() throws {
        let big = (0..<400).map { Self.line("big\($0)", String(repeating: "x\($0) ", count: 10_000)) }
        let input = try StageHarness.writeShards("substring-big", [big])
        let run = try StageHarness("substring-big", steps: Self.steps("memory: 128MB"), input: input)
        #expect { try run.run("dedup", phase: 0) } throws: { "\($0)".contains("raise memory:") }
    }
}
