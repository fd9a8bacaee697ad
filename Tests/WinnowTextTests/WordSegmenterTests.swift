import Testing
import WinnowText

@Suite struct WordSegmenterTests {
    func words(_ text: String) throws -> [String] {
        let segmenter = try WordSegmenter()
        let bytes = Array(text.utf8)
        var out: [String] = []
        segmenter.forEachWord(in: bytes) { out.append(String(decoding: bytes[$0], as: UTF8.self)) }
        return out
    }

    @Test func englishWordsWithoutPunctuation() throws {
        #expect(try words("Hello, world! It's 3.14 today.") == ["Hello", "world", "It's", "3.14", "today"])
    }

    @Test func chineseJapaneseAndThaiAreSplitIntoWords() throws {
        // ICU's dictionaries split scripts written without spaces; a whitespace split would
        // count each of these sentences as one word.
        #expect(try words("我们今天去北京大学").count >= 4)
        #expect(try words("私は東京の大学で勉強しています").count >= 5)
        #expect(try words("ภาษาไทยเป็นภาษาที่สวยงาม").count >= 4)
    }

    @Test func byteRangesPointIntoTheUTF8() throws {
        #expect(try words("né à 😀 fin") == ["né", "à", "fin"])
    }
}
