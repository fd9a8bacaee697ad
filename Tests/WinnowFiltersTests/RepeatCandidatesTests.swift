import Foundation
import Testing
import WinnowCore
import WinnowText
@testable import WinnowFilters

/// The n-gram measures give the same numbers when they visit only the positions where an n-gram
/// can repeat (`RepeatCandidates` for the duplicate n-grams, the (n−1)-grams' repeats for the
/// top n-grams) as when they visit every position.
@Suite struct RepeatCandidatesTests {
    func expectSameWithCandidates(_ text: String, _ label: String) {
        let analysis = DocumentAnalysis(Document(id: "x", text: text), wordSplitting: .english, tools: RuleTools())
        let words = analysis.words
        let lengths = words.map(\.count)
        let joined = WordRunHashes(analysis.wordHashes)
        var counter = HashCounter()
        let candidates = RepeatCandidates.find(analysis.text, words: words, shortest: 5, counter: &counter)
        for n in 5...10 {
            let all = RepetitionStatistics.duplicatedNgramCharacters(joined, lengths: lengths, n: n, positions: Array(lengths.indices),
                                                                     counter: &counter)
            let some = RepetitionStatistics.duplicatedNgramCharacters(joined, lengths: lengths, n: n, positions: candidates, counter: &counter)
            #expect(all == some, "\(label), n = \(n)")
        }
        let spaced = WordRunHashes(analysis.wordHashes, separator: RepetitionStatistics.space)
        var previous: [Int]?
        for n in 2...4 where words.count >= n {
            let all = RepetitionStatistics.topNgramCharacters(spaced, lengths: lengths, n: n, counter: &counter)
            let chained = RepetitionStatistics.topNgramCharacters(spaced, lengths: lengths, n: n, positions: previous, counter: &counter)
            #expect(all.characters == chained.characters, "\(label), top n = \(n)")
            #expect(all.repeating == chained.repeating, "\(label), top n = \(n) repeats")
            previous = chained.repeating
        }
    }

    /// Word sequences from a tiny vocabulary repeat everywhere, including runs that are equal
    /// only as joined strings ("ab c" and "a bc"), and runs shorter than the window.
    @Test func randomRepetitiveTexts() {
        var random = SplitMix64(seed: 7)
        let vocabulary = ["a", "b", "ab", "c", "bc", "abc", "the", "cat", "sat", "on", "mat", "x", "concatenation", "."]
        for round in 0..<300 {
            let count = Int(random.next() % 200)
            let text = (0..<count).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }.joined(separator: " ")
            expectSameWithCandidates(text, "round \(round)")
        }
    }

    @Test func boundaryShiftedRepeatIsFound() {
        // "ab c d e f" and "a bc d e f" join to the same 5-gram.
        let text = "ab c d e f zzz yyy a bc d e f"
        expectSameWithCandidates(text, "shifted")
        let analysis = DocumentAnalysis(Document(id: "x", text: text), wordSplitting: .english, tools: RuleTools())
        #expect(RepetitionStatistics.duplicatedNgramCharacters(analysis.wordHashes, lengths: analysis.words.map(\.count), n: 5) == 6)
    }

    @Test func uniqueProseHasFewCandidates() {
        let prose = """
            Winnow reads compressed web shards and filters them for quality, scoring each page with a classifier \
            before it removes duplicates, mixes domains and writes packed token shards that trainers read directly. \
            Its users drive it with pipeline files and look into any shard with an inspection command.
            """
        let analysis = DocumentAnalysis(Document(id: "x", text: prose), wordSplitting: .english, tools: RuleTools())
        var counter = HashCounter()
        let candidates = RepeatCandidates.find(analysis.text, words: analysis.words, shortest: 5, counter: &counter)
        #expect(candidates.count <= 2)
        expectSameWithCandidates(prose, "prose")
    }

    @Test func sampleDocuments() throws {
        let samples = String(#filePath.dropLast("Tests/WinnowFiltersTests/RepeatCandidatesTests.swift".count)) + "Samples/web"
        for name in try FileManager.default.contentsOfDirectory(atPath: samples).sorted() where name.hasSuffix(".jsonl.zst") {
            let reader = try ShardReader(path: samples + "/" + name)
            var read = 0
            while read < 40, let record = try reader.next() {
                read += 1
                if case let .document(doc, _) = record { expectSameWithCandidates(doc.textString, doc.id) }
            }
        }
    }
}
