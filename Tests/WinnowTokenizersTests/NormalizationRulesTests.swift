import CWinnowICU
import Testing
import WinnowCore
@testable import WinnowTokenizers

/// The character rules built from ICU, compiled into a charsmap and applied by the normalizer,
/// against sentencepiece's own compiled nmt_nfkc (Fixtures/nmt-nfkc-normalized.json, made by
/// Scripts/fixtures/unigram_models.py).
@Suite struct NormalizationRulesTests {
    /// The rules alone, or (`asSentencepiece`) with sentencepiece's default whitespace handling
    /// but the dummy prefix.
    static func normalizer(_ rules: NormalizationRules, asSentencepiece: Bool = false) throws -> SentencePieceNormalizer {
        SentencePieceNormalizer(charsMap: try PrecompiledCharsMap(rules.compiled, path: "rules"), userDefined: nil, addDummyPrefix: false,
                                removeExtraWhitespaces: asSentencepiece, escapeWhitespaces: asSentencepiece, whitespaceAsSuffix: false)
    }

    static func apply(_ normalizer: SentencePieceNormalizer, _ text: String) -> String {
        let out = GrowableBuffer<UInt8>()
        Array(text.utf8).withUnsafeBufferPointer { normalizer.normalize($0, into: out) }
        return String(decoding: out.elements, as: UTF8.self)
    }

    /// Every code point up to U+2FFFF between x and y: what sentencepiece's nmt_nfkc makes of that,
    /// except characters newer than this ICU (unassigned here, so left alone). All are
    /// normalized in one text, each `x c y` ended by a NUL, which no rule reads or writes.
    @Test func nmtNFKCAgreesWithSentencepiece() throws {
        let normalizer = try Self.normalizer(.nmtNFKC, asSentencepiece: true)
        guard case let .object(fixture) = try Fixture.json("nmt-nfkc-normalized.json") else { Issue.record("no fixture"); return }
        var expected: [String: [UInt8]] = [:]
        for member in fixture { expected[member.key] = Array((member.value.stringValue ?? "").utf8) }
        let codes = (UInt32(1)...0x2FFFF).filter { !(0xD800...0xDFFF).contains($0) }
        var text: [UInt8] = []
        for code in codes { text += [0x78] + CharsMapCompiler.utf8([code]) + [0x79, 0] }
        let out = GrowableBuffer<UInt8>()
        text.withUnsafeBufferPointer { normalizer.normalize($0, into: out) }
        let results = Array(out.elements).split(separator: 0, omittingEmptySubsequences: false)
        #expect(results.count == codes.count + 1)
        var agreed = 0, newer = 0
        for (code, result) in zip(codes, results) {
            let got = Array(result)
            let want = expected[String(code, radix: 16, uppercase: true)] ?? [0x78] + CharsMapCompiler.utf8([code]) + [0x79]
            if got == want {
                agreed += 1
            } else if cwinnow_script(code) == 103 { // USCRIPT_UNKNOWN: not assigned in this ICU
                newer += 1
            } else {
                let ours = String(decoding: got, as: UTF8.self), theirs = String(decoding: want, as: UTF8.self)
                Issue.record(Comment(rawValue: "U+\(String(code, radix: 16, uppercase: true)): \(ours.debugDescription), sentencepiece \(theirs.debugDescription)"))
            }
        }
        #expect(agreed + newer == codes.count && newer < 100, "\(agreed) agree, \(newer) newer than ICU")
    }

    @Test func nmtRulesByHand() throws {
        let normalizer = try Self.normalizer(.nmtNFKC)
        #expect(Self.apply(normalizer, "ﬁ ＡＢＣ１２３ ｶﾞ") == "fi ABC123 ガ")
        #expect(Self.apply(normalizer, "e\u{301}") == "\u{E9}", "a decomposed character is composed")
        #expect(Self.apply(normalizer, "a\tb\nc\u{200B}d") == "a b c d", "tabs, line breaks, zero-width spaces become spaces")
        #expect(Self.apply(normalizer, "a\u{1}b\u{7F}c") == "abc", "control characters go")
        #expect(Self.apply(normalizer, "\u{FF5E}") == "\u{FF5E}", "the full-width tilde stays")
        #expect(Self.apply(try Self.normalizer(.nfkc), "a\tb") == "a\tb", "plain NFKC keeps tabs")
        #expect(NormalizationRules.identity.compiled.isEmpty)
    }

    /// Keys sharing prefixes (a, ab, abc, b) compile into a double array whose longest match is
    /// the longest key, and the same rules compile to the same bytes every time.
    @Test func compiledRulesMatchTheLongestKey() throws {
        let rules: [[UInt32]: [UInt32]] = [[0x61]: [0x41], [0x61, 0x62]: [0x58], [0x61, 0x62, 0x63]: [], [0x62]: [0x42, 0x42], [0x3B1]: [0x61]]
        let blob = CharsMapCompiler.compile(rules)
        #expect(blob == CharsMapCompiler.compile(rules))
        let normalizer = SentencePieceNormalizer(charsMap: try PrecompiledCharsMap(blob, path: "hand"), userDefined: nil, addDummyPrefix: false,
                                                 removeExtraWhitespaces: false, escapeWhitespaces: false, whitespaceAsSuffix: false)
        #expect(Self.apply(normalizer, "abcabaxbα") == "XAxBBa")
    }
}
