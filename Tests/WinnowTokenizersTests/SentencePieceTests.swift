import Foundation
import Testing
import WinnowCore
@testable import WinnowTokenizers

/// sentencepiece `.model` files: ids and decoded text must be sentencepiece's own (fixtures made
/// by Scripts/fixtures/sentencepiece_models.py with the real library).
@Suite struct SentencePieceTests {
    static let models = ["unigram-nfkc", "unigram-bytes", "unigram-noescape", "bpe", "bpe-noprefix"]

    static func load(_ model: String) throws -> any LoadedTokenizer {
        try TokenizerFiles.load(path: Fixture.directory + "spm-\(model).model")
    }

    static func texts() throws -> [String] {
        try Fixture.json("spm-texts.json")["texts"].array.map { $0.stringValue! }
    }

    @Test(arguments: models)
    func encodesAndDecodesAsSentencepiece(model: String) throws {
        let tokenizer = try Self.load(model)
        #expect(tokenizer is SentencePieceTokenizer)
        let texts = try Self.texts()
        let expected = try Fixture.json("spm-\(model).json")
        let ids = expected["ids"].array, decoded = expected["decoded"].array
        #expect(texts.count > 250 && ids.count == texts.count && decoded.count == texts.count)
        for (k, text) in texts.enumerated() {
            let want = ids[k].array.map { UInt32($0.int) }
            #expect(try tokenizer.encode(Array(text.utf8), specials: .ordinary) == want, "\(model) #\(k): \(text.prefix(60).debugDescription)")
            let back = String(decoding: try tokenizer.decode(want), as: UTF8.self)
            #expect(back == (decoded[k].stringValue ?? text), "\(model) decode #\(k): \(text.prefix(60).debugDescription)")
        }
    }

    /// With byte fallback, identity rules and spaces kept, decoding gives back the very text.
    @Test func byteFallbackRoundTripsText() throws {
        let tokenizer = try Self.load("unigram-bytes")
        for text in try Self.texts() where !text.contains("\u{2581}") {
            let bytes = Array(text.utf8)
            #expect(try tokenizer.decode(tokenizer.encode(bytes, specials: .ordinary)) == bytes, "\(text.prefix(60).debugDescription)")
        }
    }

    @Test func normalizesWithTheCompiledRules() throws {
        let tokenizer = try #require(try Self.load("unigram-nfkc") as? SentencePieceTokenizer)
        let out = GrowableBuffer<UInt8>()
        let text = Array("  ﬁnance   ＡＢＣ１２３\u{3000}ｶﾞ ".utf8)
        text.withUnsafeBufferPointer { tokenizer.normalizer.normalize($0, into: out) }
        #expect(String(decoding: out.elements, as: UTF8.self) == "▁finance▁ABC123▁ガ")
    }

    @Test func controlPiecesAreSpecialTokens() throws {
        let tokenizer = try Self.load("unigram-bytes")
        #expect(tokenizer.specialTokens["<s>"] == 1 && tokenizer.specialTokens["</s>"] == 2)
        #expect(tokenizer.specialTokens["<ctrl>"] != nil && tokenizer.specialTokens["<pad>"] == 3)
        #expect(tokenizer.endOfTextID == 2)
        let a = try tokenizer.encode(Array("hello world".utf8)), b = try tokenizer.encode(Array(" again".utf8))
        #expect(try tokenizer.encode(Array("hello world</s> again".utf8), specials: .recognize) == a + [2] + b)
        #expect(throws: WinnowError.self) { try tokenizer.encode(Array("x</s>".utf8), specials: .refuse) }
        #expect(String(decoding: try tokenizer.decode([1] + a + [2]), as: UTF8.self) == "hello world")
    }

    @Test(arguments: [0.5, 0.9, 0.999])
    func truncatedModelNamesFileAndOffset(fraction: Double) throws {
        let bytes = try Fixture.bytes("spm-bpe.model")
        let path = NSTemporaryDirectory() + "winnow-truncated-\(Int(fraction * 1000)).model"
        try Data(bytes.prefix(Int(Double(bytes.count) * fraction))).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try TokenizerFiles.load(path: path)
            Issue.record("a truncated model loaded")
        } catch let error as WinnowError {
            let message = "\(error)"
            #expect(message.hasPrefix(path + ": not a sentencepiece model"), "\(message)")
            #expect(message.contains("at byte offset"), "\(message)")
        }
    }

    // MARK: Hand-made models

    /// protobuf bytes of a `ModelProto`, written by hand.
    struct ProtoWriter {
        var bytes: [UInt8] = []
        mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            bytes.append(UInt8(v))
        }
        mutating func field(_ number: Int, _ payload: [UInt8]) { varint(UInt64(number) << 3 | 2); varint(UInt64(payload.count)); bytes += payload }
        mutating func field(_ number: Int, varint value: UInt64) { varint(UInt64(number) << 3); varint(value) }
        mutating func piece(_ text: String, _ score: Float, type: UInt64 = 1) {
            var p = ProtoWriter()
            p.field(1, Array(text.utf8))
            p.varint(2 << 3 | 5)
            withUnsafeBytes(of: score.bitPattern.littleEndian) { p.bytes += $0 }
            if type != 1 { p.field(3, varint: type) }
            field(1, p.bytes)
        }
    }

    static func tokenizer(_ proto: ProtoWriter) throws -> SentencePieceTokenizer {
        try SentencePieceTokenizer(proto: SentencePieceModelProto(bytes: proto.bytes, path: "hand.model"), path: "hand.model")
    }

    /// Pieces `<unk> ▁ a b ▁a ab`, unigram, no rules: "▁ab" is ▁ ab (−3.5), not ▁a b (−4), and
    /// "cc" (no piece) is one unknown piece.
    @Test func unigramPicksTheBestScoringPath() throws {
        var proto = ProtoWriter()
        proto.piece("<unk>", 0, type: 2)
        for (text, score) in [("▁", -2), ("a", -3), ("b", -3), ("▁a", -1), ("ab", -1.5)] as [(String, Float)] { proto.piece(text, score) }
        proto.field(99, varint: 7) // an unknown field is skipped
        let tokenizer = try Self.tokenizer(proto)
        #expect(try tokenizer.encode(Array("a ab b".utf8)) == [4, 1, 5, 1, 3])
        #expect(try tokenizer.encode(Array("a  cc".utf8)) == [4, 1, 0])
        #expect(try tokenizer.decode([4, 1, 5, 1, 0]) == Array("a ab  \u{2047} ".utf8))
    }

    /// The same pieces as BPE (model_type 2): the pair scoring highest merges first, so "▁ab"
    /// is ▁a b (▁a scores −1, ab −1.5), where the unigram model chose ▁ ab.
    @Test func bpeMergesTheHighestScoringPairFirst() throws {
        var proto = ProtoWriter()
        proto.piece("<unk>", 0, type: 2)
        for (text, score) in [("▁", -2), ("a", -3), ("b", -3), ("▁a", -1), ("ab", -1.5)] as [(String, Float)] { proto.piece(text, score) }
        var trainer = ProtoWriter()
        trainer.field(3, varint: 2)
        proto.field(2, trainer.bytes)
        let tokenizer = try Self.tokenizer(proto)
        #expect(tokenizer.algorithm == .bpe)
        #expect(try tokenizer.encode(Array("ab".utf8)) == [4, 3])
        #expect(try tokenizer.encode(Array("b ab".utf8)) == [1, 3, 4, 3])
    }

    @Test func refusesWhatSentencepieceRefuses() throws {
        var noUnknown = ProtoWriter()
        noUnknown.piece("a", -1)
        #expect(throws: WinnowError.config(path: "hand.model", line: nil, detail: "the model has no unknown piece")) { try Self.tokenizer(noUnknown) }
        var twice = ProtoWriter()
        twice.piece("<unk>", 0, type: 2)
        twice.piece("a", -1)
        twice.piece("a", -2)
        #expect(throws: WinnowError.config(path: "hand.model", line: nil, detail: "piece 2 'a' is already defined")) { try Self.tokenizer(twice) }
        var bytePiece = ProtoWriter()
        bytePiece.piece("<unk>", 0, type: 2)
        bytePiece.piece("<0x41>", 0, type: 6)
        #expect(throws: WinnowError.config(path: "hand.model", line: nil,
                                           detail: "byte piece 1 '<0x41>' is found although byte_fallback is false")) { try Self.tokenizer(bytePiece) }
    }
}
