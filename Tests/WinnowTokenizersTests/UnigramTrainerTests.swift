import Foundation
import Testing
import WinnowCore
@testable import WinnowTokenizers

/// Unigram training: the algorithm's parts on hand-checked cases, and whole runs against the
/// fixtures of Scripts/fixtures/unigram_models.py (sentencepiece and HF tokenizers on the models
/// Winnow trains from Fixtures/unigram-train.txt, and sentencepiece's own models of that text).
@Suite struct SentencePieceTrainerTests {
    static func corpus(_ lines: [String], _ name: String) throws -> TextCorpus {
        let path = NSTemporaryDirectory() + "winnow-unigram-\(name).txt"
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
        return try TextCorpus(inputs: [path])
    }

    /// Known values: ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(10) = H₉ − γ.
    @Test func digammaMatchesKnownValues() {
        let gamma = 0.5772156649015329
        #expect(abs(UnigramEM.digamma(1) + gamma) < 1e-10)
        #expect(abs(UnigramEM.digamma(0.5) - (-gamma - 2 * log(2.0))) < 1e-10)
        let harmonic9 = (1...9).reduce(0.0) { $0 + 1 / Double($1) }
        #expect(abs(UnigramEM.digamma(10) - (harmonic9 - gamma)) < 1e-10)
    }

    /// sentencepiece's piece rules on characters' symbols (0 boundary, 1 unknown, then these).
    @Test func pieceRules() {
        let characters: [UInt32] = [0x2581, 0x61, 0x62, 0x31, 0x32, 0x2E, 0x30AB, 0x6F22, 0x301, 0x416]
        let classes = PieceRules.classes(of: characters)
        func symbols(_ text: String) -> [UInt16] { text.unicodeScalars.map { UInt16(characters.firstIndex(of: $0.value)! + 2) } }
        func allows(_ text: String, _ rules: PieceRules = PieceRules()) -> Bool {
            symbols(text).withUnsafeBufferPointer { piece in classes.withUnsafeBufferPointer { rules.allows(piece, classes: $0) } }
        }
        #expect(allows("▁ab"))
        #expect(!allows("ab▁"), "▁ only first")
        #expect(!allows("a1"), "Latin then Common (digits)")
        #expect(allows("12.") && allows("▁12"), "digits and punctuation are both Common")
        #expect(!allows("12", PieceRules(splitDigits: true)) && allows("1", PieceRules(splitDigits: true)))
        #expect(allows("a1", PieceRules(splitByNumber: false)), "without split_by_number digits join anything")
        #expect(allows("カ漢"), "katakana counts as Han")
        #expect(allows("a\u{301}b"), "a combining mark takes the script before it")
        #expect(!allows("aЖ"), "Latin then Cyrillic")
        #expect(allows("aЖ", PieceRules(splitByUnicodeScript: false)))
        #expect(!allows(String(repeating: "a", count: 17)) && allows(String(repeating: "a", count: 16)))
        var unknown: [UInt16] = [2, 1]
        #expect(!unknown.withUnsafeBufferPointer { piece in classes.withUnsafeBufferPointer { PieceRules().allows(piece, classes: $0) } })
        unknown = [3, 0, 3]
        #expect(!unknown.withUnsafeBufferPointer { piece in classes.withUnsafeBufferPointer { PieceRules().allows(piece, classes: $0) } })
    }

    /// "abc abd" and "abc" normalize to ▁abc▁abd and ▁abc. The suffix-tree nodes (substrings seen
    /// twice or more, not always followed by the same symbol) that may be pieces: ▁ab (3 times,
    /// then c, d, c: score 3 × 3), ▁abc (then ▁ and the end: 2 × 4), ab (3 × 2), abc (2 × 3),
    /// bc (2 × 2); ▁a and a are always followed by b, so they are not nodes. Characters come first.
    @Test func seedsAreTheSuffixTreeNodes() throws {
        let normalizer = SentencePieceNormalizer(charsMap: nil, userDefined: nil, addDummyPrefix: true, removeExtraWhitespaces: true,
                                                 escapeWhitespaces: true, whitespaceAsSuffix: false)
        let sentences = try TrainingSentences(corpus: Self.corpus(["abc abd", "abc"], "seeds"), normalizer: normalizer, metaPieces: [],
                                              coverage: 0.9995, maxSentenceLength: 4192, threads: 2)
        #expect(sentences.characters == [0x61, 0x62, 0x2581, 0x63, 0x64])
        let seeds = SeedPieces.make(sentences, rules: PieceRules(), seedSize: 1000, threads: 2)
        let expected: [(String, Double)] = [("a", 3), ("b", 3), ("▁", 3), ("c", 2), ("d", 1),
                                            ("▁ab", 9), ("▁abc", 8), ("ab", 6), ("abc", 6), ("bc", 4)]
        #expect(seeds.map { String(decoding: $0.piece, as: UTF8.self) } == expected.map(\.0))
        for (seed, (_, count)) in zip(seeds, expected) { #expect(abs(seed.score - log(count / 45)) < 1e-12) }
    }

    @Test func metaPiecesTakeTheirIds() throws {
        var trainer = SentencePieceTrainer(vocabSize: 300)
        trainer.padID = 5
        trainer.controlSymbols = ["<ctrl>"]
        trainer.userDefinedSymbols = ["<sep>", "</s>"]
        trainer.byteFallback = true
        let meta = try trainer.metaPieces()
        #expect(meta[0]?.piece == "<unk>" && meta[0]?.type == .unknown)
        #expect(meta[1]?.piece == "<s>" && meta[1]?.type == .control)
        #expect(meta[2]?.piece == "</s>" && meta[2]?.type == .userDefined, "a user-defined </s> keeps the id of </s>")
        #expect(meta[3]?.piece == "<ctrl>" && meta[4]?.piece == "<sep>" && meta[5]?.piece == "<pad>")
        #expect(meta[6]?.piece == "<0x00>" && meta[6]?.type == .byte && meta[261]?.piece == "<0xFF>")
        #expect(meta[262] == nil)
        trainer.padID = 1
        #expect(throws: WinnowError.self) { try trainer.metaPieces() }
    }

    static func fixtureTrainer(_ name: String) -> SentencePieceTrainer {
        var trainer = SentencePieceTrainer(vocabSize: ["nfkc": 800, "bytes": 600, "bpe": 700][name]!)
        if name == "bpe" {
            trainer.algorithm = .bpe
            trainer.normalization = .identity
            trainer.removeExtraWhitespaces = false
            trainer.byteFallback = true
        }
        if name == "bytes" {
            trainer.normalization = .identity
            trainer.byteFallback = true
            trainer.splitDigits = true
            trainer.userDefinedSymbols = ["<sep>", "@@"]
            trainer.controlSymbols = ["<ctrl>"]
            trainer.padID = 3
        }
        return trainer
    }

    /// Trained in process, the model is byte for byte the one the fixture script had the CLI make,
    /// whatever the number of threads; sentencepiece gives its texts the ids we give them, HF
    /// tokenizers gives our tokenizer.json's ids (read back); and the vocabulary compresses held-out text
    /// within 1 % of sentencepiece's own model of the same text.
    @Test(arguments: ["nfkc", "bytes", "bpe"])
    func trainsTheFixtureModel(name: String) throws {
        let corpus = try TextCorpus(inputs: [Fixture.directory + "unigram-train.txt"])
        var trainer = Self.fixtureTrainer(name)
        trainer.threads = 2
        let (tokenizer, report) = try trainer.train(corpus)
        #expect(report.sentences == 3000)
        #expect(tokenizer.proto.serialized() == (try Fixture.bytes("unigram-\(name).model")))
        trainer.threads = 1
        #expect(try trainer.train(corpus).0.proto.serialized() == tokenizer.proto.serialized())

        let fixture = try Fixture.json("unigram-\(name).json")
        let texts = try SentencePieceTests.texts()
        let json = try TokenizerJSON.read(bytes: SentencePieceJSON.write(tokenizer), path: "trained.json")
        var heldOutTokens = 0
        for (k, text) in texts.enumerated() {
            let ids = try tokenizer.encode(Array(text.utf8), specials: .ordinary)
            #expect(ids == fixture["spm"].array[k].array.map { UInt32($0.int) }, "\(name) #\(k): \(text.prefix(60).debugDescription)")
            // HF always matches special tokens' text.
            #expect(try json.encode(Array(text.utf8), specials: .recognize) == fixture["hf"].array[k].array.map { UInt32($0.int) },
                    "\(name) tokenizer.json #\(k): \(text.prefix(60).debugDescription)")
            if k >= texts.count - 250 { heldOutTokens += ids.count }
        }
        let peerTokens = fixture["peer_tokens"].int
        #expect(heldOutTokens == fixture["tokens"].int)
        #expect(abs(Double(heldOutTokens) / Double(peerTokens) - 1) < 0.01, "\(heldOutTokens) tokens against sentencepiece's \(peerTokens)")
        let peerPieces = Set(fixture["peer_pieces"].array.map { $0.stringValue! })
        let shared = (0..<UInt32(tokenizer.vocabularySize)).filter { peerPieces.contains(tokenizer.tokenString($0)) }.count
        #expect(Double(shared) / Double(peerPieces.count) > 0.97, "\(shared) of \(peerPieces.count) pieces shared")
    }

    @Test func refusesTooSmallAVocabulary() throws {
        let corpus = try Self.corpus(["αβγδεζηθικλμνξοπρστυφχψω abcdefghijklmnopqrstuvwxyz"], "small")
        #expect(throws: WinnowError.self) { try SentencePieceTrainer(vocabSize: 20).train(corpus) }
    }
}
