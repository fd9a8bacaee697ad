import Testing
import WinnowCore
@testable import WinnowTokenizers

/// Ids must be those of HF tokenizers and tiktoken (which agree on the fixture) for the same
/// vocabulary, read from tokenizer.json and from .tiktoken; decoding gives back the bytes.
@Suite struct EncodingTests {
    static let fixture = try! Fixture.json("bpe-encodings.json")
    static let fromJSON = try! TokenizerJSON.read(path: Fixture.directory + "llama3-2000.tokenizer.json") as! BPETokenizer

    static func fromTiktoken() throws -> BPETokenizer {
        try TiktokenFile.read(path: Fixture.directory + "llama3-2000.tiktoken", pattern: .llama3,
                              specials: ["<|begin_of_text|>": 0, "<|end_of_text|>": 1])
    }

    @Test func tokenizerJSONEncodesAsHF() throws {
        let tokenizer = Self.fromJSON
        #expect(tokenizer.pattern == .llama3)
        #expect(tokenizer.vocabularySize == 2000)
        for item in Self.fixture["cases"].array {
            let text = Array(item["text"].stringValue!.utf8)
            let expected = item["ids"].array.map { UInt32($0.int) }
            #expect(try tokenizer.encode(text) == expected, "\(item["text"].stringValue!.prefix(60).debugDescription)")
            let plain = (item["ordinary"] == .null ? item["ids"] : item["ordinary"]).array.map { UInt32($0.int) }
            #expect(try tokenizer.encode(text, specials: .ordinary) == plain)
            #expect(try tokenizer.decode(expected) == text)
        }
    }

    @Test func tiktokenFileEncodesAsTiktoken() throws {
        let tokenizer = try Self.fromTiktoken()
        for item in Self.fixture["cases"].array {
            let text = Array(item["text"].stringValue!.utf8)
            #expect(try tokenizer.encode(text) == item["ids"].array.map { UInt32($0.int) })
        }
    }

    @Test func mergesDerivedFromTiktokenAreHFs() throws {
        #expect(try Self.fromTiktoken().vocabulary.merges == Self.fromJSON.vocabulary.merges)
    }

    @Test func qwen2FormWithNFCEncodesAsHF() throws {
        let tokenizer = try #require(try TokenizerJSON.read(path: Fixture.directory + "qwen2-nfc.tokenizer.json") as? BPETokenizer)
        #expect(tokenizer.pattern == .qwen2)
        #expect(tokenizer.normalizer == TextNormalizer([.nfc]))
        var decomposed = 0
        for item in try Fixture.json("qwen2-nfc.json")["cases"].array {
            let text = item["text"].stringValue!
            if text.unicodeScalars.contains(where: { (0x300...0x36F).contains($0.value) }) { decomposed += 1 }
            #expect(try tokenizer.encode(Array(text.utf8)) == item["ids"].array.map { UInt32($0.int) }, "\(text.prefix(60).debugDescription)")
        }
        #expect(decomposed > 0, "the texts include combining marks that NFC composes")
    }

    @Test func customRegexThroughICUEncodesAsHF() throws {
        let tokenizer = try #require(try TokenizerJSON.read(path: Fixture.directory + "custom-regex.tokenizer.json") as? BPETokenizer)
        guard case .regex = tokenizer.split else { Issue.record("expected an ICU split rule"); return }
        for item in try Fixture.json("custom-regex.json")["cases"].array {
            let text = item["text"].stringValue!
            #expect(try tokenizer.encode(Array(text.utf8)) == item["ids"].array.map { UInt32($0.int) }, "\(text.prefix(60).debugDescription)")
        }
        // Written back, the regex is kept as it is.
        let written = try TokenizerJSON.write(tokenizer).withUnsafeBytes { try JSONValue.parse($0) }
        let regex = written["pre_tokenizer"]["pretokenizers"].array.first?["pattern"]["Regex"].stringValue
        #expect(regex == tokenizer.split.regex)
        #expect(regex?.hasSuffix(#"\p{N}{1,3}|\s+(?!\S)|\s+"#) == true)
    }

    @Test func refusedSpecialTokensThrowWithTheOffset() throws {
        let text = Array("abc <|end_of_text|>".utf8)
        #expect(throws: WinnowError.self) { try Self.fromJSON.encode(text, specials: .refuse) }
        do {
            _ = try Self.fromJSON.encode(text, specials: .refuse)
        } catch {
            #expect("\(error)".contains("byte offset 4"))
        }
        #expect(try Self.fromJSON.encode(text, specials: .recognize).last == 1)
    }

    @Test func longPiecesMergeAsShortOnes() throws {
        // Pieces over 64 symbols take the heap path; the same text cut short takes the scan.
        let tokenizer = Self.fromJSON
        for run in ["         ", "aaaaaaa", "1234567", "ab ab ab", "\n\n\n", "..--..--"] {
            let long = Array(String(repeating: run, count: 40).utf8)
            let ids = try tokenizer.encode(long)
            #expect(try tokenizer.decode(ids) == long)
            var reference: [UInt32] = []
            var scratch: [UInt32] = []
            let pieces = try #require(tokenizer.pattern).pieces(long)
            for piece in pieces {
                let bytes = Array(long[piece])
                // Reference: merge by scanning at any length (the rule HF and tiktoken follow).
                scratch = bytes.map { tokenizer.model.byteIDs[Int($0)] }
                reference += scanMerge(scratch, tokenizer.model.pairs)
            }
            #expect(ids == reference, "\(run.debugDescription)")
        }
    }

    @Test func everyByteRoundTrips() throws {
        let bytes = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let ids = try Self.fromJSON.encode(bytes)
        #expect(try Self.fromJSON.decode(ids) == bytes)
    }

    @Test func decodeRejectsUnknownIDs() {
        #expect(throws: WinnowError.self) { try Self.fromJSON.decode([5000]) }
    }
}

/// Lowest rank first, leftmost on ties, by plain rescanning: the definition, for reference.
func scanMerge(_ start: [UInt32], _ pairs: PairTable) -> [UInt32] {
    var s = start
    while s.count > 1 {
        var best = UInt64.max, at = -1
        for k in 0..<(s.count - 1) {
            let rule = pairs.lookup(s[k], s[k + 1])
            if rule < best { best = rule; at = k }
        }
        if at < 0 { break }
        s[at] = UInt32(truncatingIfNeeded: best)
        s.remove(at: at + 1)
    }
    return s
}
