import Foundation
import Testing
import WinnowText

/// Winnow's English word tokens against datatrove's (spaCy's blank English tokenizer) on 4,000
/// lines of real text (Fixtures/spacy-words.jsonl, made by Scripts/fixtures/spacy_words.py).
@Suite struct EnglishWordTokenizerTests {
    static let fixture = String(#filePath.dropLast("EnglishWordTokenizerTests.swift".count)) + "Fixtures/spacy-words.jsonl"

    @Test func agreesWithSpacyOnRealText() throws {
        let text = try String(contentsOfFile: EnglishWordTokenizerTests.fixture, encoding: .utf8)
        var tokenizer = EnglishWordTokenizer()
        var lines = 0, identical = 0, spacyTokens = 0, ourTokens = 0
        var shown = 0
        for row in text.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any] ?? [:]
            let line = object["text"] as? String ?? ""
            let expected = object["words"] as? [String] ?? []
            let scalars = ScalarText(line)
            let got = tokenizer.tokens(scalars, in: 0..<scalars.count).map { scalars.string($0) }
            lines += 1
            spacyTokens += expected.count
            ourTokens += got.count
            if got == expected {
                identical += 1
            } else if shown < 15 {
                shown += 1
                let diff = Array(zip(got, expected)).firstIndex { $0 != $1 } ?? min(got.count, expected.count)
                print("MISMATCH at token \(diff): ours \(got[max(0, diff - 2)..<min(got.count, diff + 4)]) spacy \(expected[max(0, diff - 2)..<min(expected.count, diff + 4)])")
            }
        }
        print("identical lines \(identical)/\(lines); tokens ours \(ourTokens) spacy \(spacyTokens)")
        #expect(lines == 4000)
        #expect(Double(identical) / Double(lines) >= 0.99)
        #expect(abs(Double(ourTokens) / Double(spacyTokens) - 1) < 0.005)
    }

    /// The chunk cache returns what splitting returns: a tokenizer that has seen every line
    /// (twice, so the second pass is all cache hits) agrees with a fresh one per line.
    @Test func cachedSplitsEqualFreshOnes() throws {
        let text = try String(contentsOfFile: EnglishWordTokenizerTests.fixture, encoding: .utf8)
        let lines = try text.split(separator: "\n").map { row in
            let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any] ?? [:]
            return ScalarText(object["text"] as? String ?? "")
        }
        var shared = EnglishWordTokenizer()
        for line in lines { _ = shared.tokens(line, in: 0..<line.count) }
        var differing = 0
        for line in lines {
            var fresh = EnglishWordTokenizer()
            if shared.tokens(line, in: 0..<line.count) != fresh.tokens(line, in: 0..<line.count) { differing += 1 }
        }
        #expect(differing == 0)
    }
}
