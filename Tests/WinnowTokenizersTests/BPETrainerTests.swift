import Testing
import WinnowCore
@testable import WinnowTokenizers

/// Merges learned from the same text must be HF tokenizers' BpeTrainer's, in order, with the same
/// ids (fixture: Scripts/fixtures/tokenizers_bpe.py, tokenizers 0.23.3).
@Suite struct BPETrainerTests {
    static let fixture = try! Fixture.json("bpe-merges.json")
    static let sample = CLIPaths.repoRoot + "/Samples/web/part-00000.jsonl.zst"

    static func words(_ pattern: SplitPattern) throws -> WordCounts {
        let corpus = try TextCorpus(inputs: [sample], byteBudget: Int64(fixture["training_budget_bytes"].int))
        return try WordCounts.count(corpus, pattern: pattern)
    }

    @Test(arguments: [0, 1, 2, 3])
    func mergesMatchHF(config index: Int) throws {
        let config = Self.fixture["configs"].array[index]
        let pattern = try #require(SplitPattern(rawValue: config["pattern"].stringValue!))
        let words = try Self.words(pattern)
        #expect(words.sequences == Self.fixture["training_documents"].int)
        let trainer = BPETrainer(vocabSize: config["vocab_size"].int, minFrequency: Int64(config["min_frequency"].int),
                                 specialTokens: config["special_tokens"].array.compactMap(\.stringValue),
                                 maxTokenLength: config["max_token_length"] == .null ? nil : config["max_token_length"].int)
        let vocabulary = trainer.train(words)
        let expectedVocab = config["vocab"].array.compactMap(\.stringValue)
        let gotVocab = (0..<vocabulary.count).map { vocabulary.vocabString(UInt32($0)) }
        #expect(gotVocab.count == expectedVocab.count)
        if let k = zip(gotVocab, expectedVocab).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("first vocabulary difference at id \(k): ours \(gotVocab[k].debugDescription), HF \(expectedVocab[k].debugDescription)")
        }
        let expectedMerges = config["merges"].array.map { $0.array.compactMap(\.stringValue) }
        let gotMerges = vocabulary.merges.map { [vocabulary.vocabString($0.left), vocabulary.vocabString($0.right)] }
        #expect(gotMerges.count == expectedMerges.count)
        if let k = zip(gotMerges, expectedMerges).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("first merge difference at rank \(k): ours \(gotMerges[k]), HF \(expectedMerges[k])")
        }
    }

    @Test func exactMaxTokenLengthLetsTokensReachTheLimit() throws {
        let words = try Self.words(.o200k)
        let hfLike = BPETrainer(vocabSize: 1200, maxTokenLength: 5).train(words)
        let exact = BPETrainer(vocabSize: 1200, maxTokenLength: 5, exactMaxTokenLength: true).train(words)
        #expect(hfLike.tokens.map(\.count).max() == 4)
        #expect(exact.tokens.map(\.count).max() == 5)
    }

    @Test func specialTextCountsAsWordsUnlessSkipped() throws {
        let dir = "/tmp/winnow-special-text-\(getpid())"
        try makeDirectories(dir)
        try writeFileAtomically(dir + "/a.txt", Array(String(repeating: "hello<|endoftext|>world\n", count: 50).utf8))
        let corpus = try TextCorpus(inputs: [dir + "/a.txt"])
        let trainer = BPETrainer(vocabSize: 280, specialTokens: ["<|endoftext|>"])
        let asHF = trainer.train(try WordCounts.count(corpus, pattern: .gpt2))
        let skipped = trainer.train(try WordCounts.count(corpus, pattern: .gpt2, skipping: ["<|endoftext|>"]))
        func learnedPipe(_ v: BPEVocabulary) -> Bool {
            v.merges.contains { v.tokens[Int($0.result)].contains(0x7C) }
        }
        #expect(learnedPipe(asHF), "HF learns merges inside special-token text")
        #expect(!learnedPipe(skipped))
        #expect(skipped.merges.contains { skipped.tokens[Int($0.result)] == Array("hello".utf8) })
    }

    @Test func countsAreSixtyFourBit() {
        var words = WordCounts()
        let big: Int64 = 3_000_000_000
        Array("ab".utf8).withUnsafeBufferPointer { words.add($0, count: big) }
        Array("abc".utf8).withUnsafeBufferPointer { words.add($0, count: big) }
        let vocabulary = BPETrainer(vocabSize: 258).train(words)
        // (a, b) occurs 6e9 times, beyond Int32: it must still be the first merge.
        #expect(vocabulary.merges.count == 2)
        #expect(vocabulary.tokens[Int(vocabulary.merges[0].result)] == Array("ab".utf8))
    }
}

enum CLIPaths {
    static let repoRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
}
