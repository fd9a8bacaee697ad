import Foundation
import Testing
import WinnowCore

/// Bloom-filter dedup in one pass: whole documents, lines, and word n-grams (DCLM's BFF), in
/// drop and tag mode; a corpus of unique documents loses nothing (no key counts itself).
@Suite struct BloomStageTests {
    static func line(_ id: String, _ text: String) -> String {
        JSONWriter.string(.object(JSONObject([.init(key: "id", value: .string(id)), .init(key: "text", value: .string(text))])))
    }

    static func steps(_ settings: String) -> String {
        """
          - id: dedup
            stage: dedup
            from: input
            method: bloom
            expected_count: 10000
            false_positive_rate: 0.000001
        \(settings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    static let shards: [[String]] = [
        [line("a", "Shared header\nFirst page body one.\nFooter line"),
         line("b", "Unique text that appears once."),
         line("c", "Shared header\nShared header\nSecond page body.\nFooter line")],
        [line("d", "Shared header\nFooter line"),
         line("e", "Unique text that appears once."),
         line("f", ""),
         #"{"id":"bad","text":"#],
    ]

    @Test func documentsSeenBeforeAreDropped() throws {
        let input = try StageHarness.writeShards("bloom-doc", Self.shards)
        let run = try StageHarness("bloom-doc", steps: Self.steps("unit: document"), input: input)
        let stats = try run.run("dedup")[0]
        #expect(stats.docsIn == 7 && stats.addsUp && stats.rejectedBy["dedup: duplicate document"] == 1)
        let dropped = try run.documents(in: run.rejected("dedup")).filter { $0.metadata["bloom_duplicate"] != nil }
        #expect(dropped.map(\.id) == ["e"])
        #expect(stats.made["keys"] == 6 && stats.made["keys seen before"] == 1)
    }

    @Test func linesSeenBeforeAreCutAndDocumentsLeftEmptyDropped() throws {
        let input = try StageHarness.writeShards("bloom-line", Self.shards)
        let run = try StageHarness("bloom-line", steps: Self.steps("unit: paragraph"), input: input)
        let stats = try run.run("dedup")[0]
        let kept = Dictionary(uniqueKeysWithValues: try run.documents(in: run.output("dedup")).map { ($0.id, $0) })
        // c repeats the header twice (the second time within itself) and the footer.
        #expect(kept["c"]?.textString == "Second page body.")
        #expect(kept["a"]?.textString == "Shared header\nFirst page body one.\nFooter line")
        #expect(kept["f"]?.textString == "")
        // d and e hold nothing new.
        let dropped = try run.documents(in: run.rejected("dedup")).filter { $0.metadata["bloom_duplicate"] != nil }.map(\.id)
        #expect(Set(dropped) == ["d", "e"])
        #expect(stats.rejectedBy["dedup: duplicate paragraph"] == 2 && stats.made["lines cut"] == 3)
        #expect(stats.made["duplicate documents"] == 2)
    }

    @Test func tagModeMarksDuplicateLinesAsCharacterSpans() throws {
        let input = try StageHarness.writeShards("bloom-tag", Self.shards)
        let run = try StageHarness("bloom-tag", steps: Self.steps("unit: paragraph\nmode: tag"), input: input)
        try run.run("dedup")
        let kept = Dictionary(uniqueKeysWithValues: try run.documents(in: run.output("dedup")).map { ($0.id, $0) })
        #expect(kept.count == 6 && kept["a"]?.metadata["bloom_duplicate_spans"] == nil)
        // "Shared header\nShared header\nSecond page body.\nFooter line": lines 1, 2 and 4.
        let spans = kept["c"]?.metadata["bloom_duplicate_spans"]
        #expect(spans == .array([.array([JSONValue(0), JSONValue(13)]), .array([JSONValue(14), JSONValue(27)]),
                                 .array([JSONValue(46), JSONValue(57)])]))
        #expect(kept["d"]?.metadata["bloom_duplicate"] == .bool(true))
    }

    /// DCLM's settings: 13-grams, a line or document 80% seen is a duplicate.
    @Test func ngramsJudgeNearCopiesByTheirShareSeen() throws {
        let words = (0..<200).map { "w\($0)" }
        let page = stride(from: 0, to: 200, by: 20).map { words[$0..<$0 + 20].joined(separator: " ") }.joined(separator: "\n")
        var copy = page.split(separator: "\n").map(String.init)
        copy[9] = (0..<20).map { "new\($0)" }.joined(separator: " ")    // 10% of the lines are new
        var half = page.split(separator: "\n").map(String.init)
        for k in 5..<10 { half[k] = (0..<20).map { "other\(k)-\($0)" }.joined(separator: " ") }
        let input = try StageHarness.writeShards("bloom-ngram", [[Self.line("page", page), Self.line("copy", copy.joined(separator: "\n")),
                                                                  Self.line("half", half.joined(separator: "\n"))]])
        let run = try StageHarness("bloom-ngram", steps: Self.steps("unit: ngram\nngram: 13\nthreshold: 0.8"), input: input)
        let stats = try run.run("dedup")[0]
        #expect(try run.documents(in: run.rejected("dedup")).map(\.id) == ["copy"])
        let half2 = try #require(try run.documents(in: run.output("dedup")).first { $0.id == "half" })
        #expect(half2.textString == half[5...].joined(separator: "\n"))
        #expect(stats.rejectedBy["dedup: duplicate n-grams"] == 1)
        // 10 lines of 20 words: 8 13-grams a line, 80 a document.
        #expect(stats.made["keys"] == 240)
    }

    @Test func uniqueDocumentsLoseNothing() throws {
        let docs = (0..<300).map { k in Self.line("u\(k)", (0..<30).map { "t\(k)x\($0)" }.joined(separator: " ") + "\nline two of \(k)") }
        let input = try StageHarness.writeShards("bloom-unique", [Array(docs[..<150]), Array(docs[150...])])
        for unit in ["document", "paragraph", "ngram"] {
            let run = try StageHarness("bloom-unique", steps: Self.steps("unit: \(unit)"), input: input)
            let stats = try run.run("dedup")[0]
            #expect(stats.docsKept == 300 && stats.made["keys seen before"] == 0, "unit \(unit)")
            let report = try run.object(in: "\(run.output("dedup"))/bloom_report.json")
            #expect((report["false_positive_rate_planned"]?.doubleValue ?? 1) <= 1e-6)
        }
    }

    @Test func anExpectedCountOrSizeIsRequired() throws {
        #expect { try StageHarness("bloom-nosize", steps: """
              - id: dedup
                stage: dedup
                from: input
                method: bloom
            """) } throws: { "\($0)".contains("expected_count") }
    }
}
