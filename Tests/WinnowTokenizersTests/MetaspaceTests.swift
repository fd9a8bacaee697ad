import Testing
import WinnowCore
@testable import WinnowTokenizers

/// Sentencepiece-style BPE with byte fallback, as HF holds Llama 2 and Mistral: ids and decoded
/// text must be HF tokenizers' (fixture: Scripts/fixtures/tokenizers_metaspace.py).
@Suite struct MetaspaceTests {
    @Test(arguments: ["llama2", "mistral", "unknown"])
    func encodesAndDecodesAsHF(variant: String) throws {
        let tokenizer = try TokenizerJSON.read(path: Fixture.directory + "metaspace-\(variant).tokenizer.json")
        #expect(tokenizer is MetaspaceTokenizer)
        let cases = try Fixture.json("metaspace-\(variant).json")["cases"].array
        #expect(cases.count > 80)
        for item in cases {
            let text = item["text"].stringValue!
            let expected = item["ids"].array.map { UInt32($0.int) }
            #expect(try tokenizer.encode(Array(text.utf8)) == expected, "\(variant): \(text.prefix(60).debugDescription)")
            let decoded = String(decoding: try tokenizer.decode(expected), as: UTF8.self)
            #expect(decoded == item["decoded"].stringValue!, "\(variant) decode: \(text.prefix(60).debugDescription)")
        }
    }

    @Test func byteFallbackRoundTripsText() throws {
        let tokenizer = try TokenizerJSON.read(path: Fixture.directory + "metaspace-llama2.tokenizer.json")
        let text = Array("東京 😀 Größe e\u{301}".utf8)
        #expect(try tokenizer.decode(tokenizer.encode(text)) == text)
    }
}
