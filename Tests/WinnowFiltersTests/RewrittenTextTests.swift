import Foundation
import Testing
import WinnowCore
import WinnowText
@testable import WinnowFilters

/// C4 hands the rules after it the rewritten text's scalars and English tokens (`RewrittenText`)
/// instead of letting them decode and tokenise it again; they must be exactly what a fresh
/// analysis of the new text finds.
@Suite struct RewrittenTextTests {
    func expectSameAsFresh(_ rewrite: RewrittenText, _ label: String) {
        let fresh = DocumentAnalysis(Document(id: "fresh", text: String(decoding: rewrite.utf8, as: UTF8.self)),
                                     wordSplitting: .english, tools: RuleTools())
        #expect(rewrite.scalars == fresh.text.scalars, "\(label): scalars")
        #expect(rewrite.englishTokens?.words == fresh.englishWords, "\(label): tokens")
        #expect(rewrite.englishTokens?.hashes == fresh.englishWordHashes, "\(label): hashes")
    }

    func rewrite(_ doc: Document, _ rule: C4Rule = C4Rule()) -> RewrittenText? {
        var measured = JSONObject()
        let analysis = DocumentAnalysis(doc, wordSplitting: .english, tools: RuleTools())
        if case let .passRewritten(rewrite) = rule.check(doc, analysis: analysis, measured: &measured) { return rewrite }
        return nil
    }

    @Test func handMadeRewrites() throws {
        let text = """
              Menu Home   About

            The first sentence is here. It has a citation[12] in it, and more words.
            A second line of text that ends well. Another sentence follows it here.
            Click here
            The third kept line has words [edit] too. And a final sentence ends it.  \u{2003}
            The fourth line, “quoted”, can't end without a period. It does so now.
            cookies
            """
        let made = try #require(rewrite(Document(id: "a", text: text)))
        expectSameAsFresh(made, "hand-made")
        #expect(made.englishTokens != nil)
    }

    @Test func sampleRewritesMatchFreshAnalyses() throws {
        let samples = String(#filePath.dropLast("Tests/WinnowFiltersTests/RewrittenTextTests.swift".count)) + "Samples/web"
        var rewritten = 0, read = 0
        // The first 60 documents of each shard (a debug build tokenises slowly).
        for name in try FileManager.default.contentsOfDirectory(atPath: samples).sorted() where name.hasSuffix(".jsonl.zst") {
            let reader = try ShardReader(path: samples + "/" + name)
            read = 0
            while read < 60, let record = try reader.next() {
                read += 1
                guard case let .document(doc, _) = record, let made = rewrite(doc) else { continue }
                rewritten += 1
                expectSameAsFresh(made, doc.id)
            }
        }
        #expect(rewritten >= 30, "only \(rewritten) sample documents were rewritten")
    }

    @Test func withoutSentenceCountingNoTokensAreHandedOn() throws {
        var rule = C4Rule()
        rule.minSentences = -1
        let made = try #require(rewrite(Document(id: "b", text: "Click here\nA full sentence of text ends here. And one more follows.\n"), rule))
        #expect(made.englishTokens == nil)
        #expect(made.scalars == Array("A full sentence of text ends here. And one more follows.".unicodeScalars))
    }
}
