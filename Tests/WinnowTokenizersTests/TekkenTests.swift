import Testing
import WinnowCore
@testable import WinnowTokenizers

/// Mistral's tekken files: ids as mistral_common's Tekkenizer gives them (Fixtures/tekken-2000.json,
/// tekken_240911.json cut to 2,000 ranks and 20 special tokens by Scripts/fixtures/tekken.py).
@Suite struct TekkenTests {
    @Test func encodesAsMistralCommon() throws {
        let tokenizer = try #require(try TokenizerFiles.load(path: Fixture.directory + "tekken-2000.json") as? BPETokenizer)
        #expect(tokenizer.vocabularySize == 2020)
        #expect(tokenizer.specialTokens["<s>"] == 1 && tokenizer.specialTokens["[TOOL_CONTENT]"] == 19)
        let texts = try SentencePieceTests.texts()
        let expected = try Fixture.json("tekken-2000.ids.json")["ids"].array
        #expect(expected.count == texts.count)
        for (k, text) in texts.enumerated() {
            let want = expected[k].array.map { UInt32($0.int) }
            #expect(try tokenizer.encode(Array(text.utf8), specials: .ordinary) == want, "#\(k): \(text.prefix(60).debugDescription)")
            #expect(try tokenizer.decode(want) == Array(text.utf8))
        }
    }
}
