import Testing
import WinnowCore
@testable import WinnowTokenizers

/// HF's Digits pre-tokenizer after the split pattern (fixture: Scripts/fixtures/tokenizers_digits.py,
/// tokenizers 0.23.3): ids, the tokenizer.json form, and the merges the trainer learns with it.
@Suite struct DigitsTests {
    static let fixture = try! Fixture.json("digits.json")

    @Test func encodesAsHF() throws {
        let tokenizer = try #require(try TokenizerJSON.read(path: Fixture.directory + "digits.tokenizer.json") as? BPETokenizer)
        #expect(tokenizer.split == .digits(.native(.llama3), individual: true))
        for item in Self.fixture["cases"].array {
            let text = item["text"].stringValue!
            #expect(try tokenizer.encode(Array(text.utf8)) == item["ids"].array.map { UInt32($0.int) }, "\(text.prefix(60).debugDescription)")
        }
        // Written back, the Digits step stays between Split and ByteLevel.
        let written = try TokenizerJSON.write(tokenizer).withUnsafeBytes { try JSONValue.parse($0) }
        let types = written["pre_tokenizer"]["pretokenizers"].array.map { $0["type"].stringValue }
        #expect(types == ["Split", "Digits", "ByteLevel"])
        #expect(written["pre_tokenizer"]["pretokenizers"].array[1]["individual_digits"] == .bool(true))
    }

    @Test func trainsLikeHF() throws {
        let corpus = try TextCorpus(inputs: [BPETrainerTests.sample], byteBudget: Int64(Self.fixture["training_bytes"].int))
        let words = try WordCounts.count(corpus, split: .digits(.native(.llama3), individual: true))
        #expect(words.sequences == Self.fixture["training_documents"].int)
        let vocabulary = BPETrainer(vocabSize: Self.fixture["vocab_size"].int, specialTokens: ["<|endoftext|>"]).train(words)
        let expected = Self.fixture["merges"].array.map { $0.array.compactMap(\.stringValue) }
        let got = vocabulary.merges.map { [vocabulary.vocabString($0.left), vocabulary.vocabString($0.right)] }
        #expect(got.count == expected.count)
        if let k = zip(got, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("first merge difference at rank \(k): ours \(got[k]), HF \(expected[k])")
        }
        // No learned token holds a digit next to anything else.
        let digits = Set("0123456789".utf8)
        #expect(!vocabulary.tokens.contains { $0.count > 1 && $0.contains(where: digits.contains) })
    }

    @Test func digitRunsStayTogetherWhenNotIndividual() throws {
        let text = Array("ab 2024x".utf8)
        var ends: [Int] = []
        try text.withUnsafeBufferPointer { buffer in
            try PieceSplitter(.digits(.native(.gpt2), individual: false)).split(buffer) { ends.append($0) }
        }
        // GPT-2 pieces "ab", " 2024", "x"; Digits then cuts " " from "2024".
        #expect(ends == [2, 3, 7, 8])
    }
}
