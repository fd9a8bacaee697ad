import Testing
import WinnowCore
@testable import WinnowTokenizers

/// HF normalizers, ByteLevel's prefix space, sequences of pre-tokenizers and added tokens that
/// strip white space or match in the normalized text, on a byte-level BPE:
/// ids as HF tokenizers gives them (Fixtures/normalizers.json, Scripts/fixtures/tokenizers_normalizers.py), and components
/// Winnow does not run refused with their path in the file.
@Suite struct NormalizerTests {
    static let fixture = try! Fixture.json("normalizers.json")

    /// llama3-2000.tokenizer.json with another normalizer and pre-tokenizer.
    static func variant(_ name: String) throws -> [UInt8] {
        var text = String(decoding: try Fixture.bytes("llama3-2000.tokenizer.json"), as: UTF8.self)
        guard case var .object(top) = try Array(text.utf8).withUnsafeBytes({ try JSONValue.parse($0) }) else { return [] }
        top["normalizer"] = fixture[name]["normalizer"]
        top["pre_tokenizer"] = fixture[name]["pre_tokenizer"]
        if fixture[name]["added_tokens"] != .null { top["added_tokens"] = fixture[name]["added_tokens"] }
        text = JSONWriter.string(.object(top))
        return Array(text.utf8)
    }

    @Test(arguments: ["nfkc", "nfd-strip-accents-lowercase", "nfkd-strip", "replace-prepend", "bytelevel-prefix-space", "whitespace",
                      "whitespace-split-gpt2", "punctuation-digits-merged-next", "split-behaviors", "split-invert",
                      "punctuation-merged-previous", "added-strip", "added-normalized"])
    func encodesAsHF(name: String) throws {
        let tokenizer = try TokenizerJSON.read(bytes: Self.variant(name), path: "\(name).json")
        let ownTexts = Self.fixture[name]["texts"].array.compactMap(\.stringValue)
        let texts = ownTexts.isEmpty ? try SentencePieceTests.texts() : ownTexts
        let expected = Self.fixture[name]["ids"].array
        #expect(expected.count == texts.count)
        for (k, text) in texts.enumerated() {
            #expect(try tokenizer.encode(Array(text.utf8), specials: .recognize) == expected[k].array.map { UInt32($0.int) },
                    "\(name) #\(k): \(text.prefix(60).debugDescription)")
        }
    }

    @Test func normalizersByHand() {
        func apply(_ steps: [TextNormalizer.Step], _ text: String) -> String {
            String(decoding: Array(text.utf8).withUnsafeBufferPointer { TextNormalizer(steps).apply($0) }, as: UTF8.self)
        }
        #expect(apply([.nfkc], "ﬁ Ａ") == "fi A")
        #expect(apply([.nfd, .stripAccents, .lowercase], "Crème BRÛLÉE") == "creme brulee")
        #expect(apply([.lowercase], "ΟΔΟΣ") == "οδοσ", "character by character: no final sigma")
        #expect(apply([.strip(left: true, right: false)], "\u{3000} a ") == "a ")
        #expect(apply([.replace("ab", with: "x")], "aabab") == "axx")
        #expect(apply([.prepend("▁")], "") == "" && apply([.prepend("▁")], "a") == "▁a")
    }

    @Test func refusesWhatItDoesNotRun() throws {
        func message(_ bytes: [UInt8]) -> String {
            do {
                _ = try TokenizerJSON.read(bytes: bytes, path: "t.json")
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        let wordpiece = JSONWriter.string(Self.fixture["wordpiece"]["tokenizer"])
        #expect(message(Array(wordpiece.utf8)).contains("model.type 'WordPiece' is not supported"))
        var precompiled = String(decoding: try Self.variant("nfkc"), as: UTF8.self)
        precompiled = precompiled.replacingOccurrences(of: #"{"type":"NFKC"}"#,
                                                       with: #"{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"BertNormalizer"}]}"#)
        #expect(message(Array(precompiled.utf8)).contains("normalizer.normalizers[1] 'BertNormalizer' is not supported"), "\(message(Array(precompiled.utf8)))")
        let llama = String(decoding: try Fixture.bytes("metaspace-llama2.tokenizer.json"), as: UTF8.self)
        let normalizedSpecial = llama.replacingOccurrences(of: #""content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false"#,
                                                           with: #""content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true"#)
        #expect(normalizedSpecial != llama, "the edit took effect")
        #expect(message(Array(normalizedSpecial.utf8)).contains("added_tokens[1] '<s>': normalized true is not supported"), "\(message(Array(normalizedSpecial.utf8)))")
    }
}
