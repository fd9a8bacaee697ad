import Testing
import WinnowCore
@testable import WinnowTokenizers

/// The native scanners against the regexes, as run by Python's `regex` (and checked against HF's
/// pre-tokenizers when the fixture was made): Scripts/fixtures/tokenizers_pretok.py.
@Suite struct SplitPatternTests {
    static let fixture = try! Fixture.json("pretok-splits.json")

    @Test(arguments: SplitPattern.allCases)
    func splitsMatchThePeer(pattern: SplitPattern) throws {
        let cases = Self.fixture["cases"].array
        #expect(cases.count > 70)
        for item in cases {
            let text = Array(item["text"].stringValue!.utf8)
            let expected = item["splits"][pattern.rawValue].array.map(\.int)
            let got = pattern.pieces(text).map(\.count)
            #expect(got == expected, "\(pattern) on \(String(decoding: text.prefix(80), as: UTF8.self).debugDescription)")
        }
    }

    @Test func everyScalarHasThePeersClasses() throws {
        let classes = Self.fixture["classes"]
        let names: [(String, ScalarClass)] = [("letter", .letter), ("number", .number), ("space", .space),
                                              ("upper", .upper), ("lower", .lower)]
        for (name, bit) in names {
            var expected = [Bool](repeating: false, count: 0x110000)
            for range in classes[name].array {
                for code in range.array[0].int...range.array[1].int { expected[code] = true }
            }
            var mismatches: [String] = []
            for code in 0..<0x110000 {
                guard let scalar = Unicode.Scalar(UInt32(code)) else { continue }
                if ScalarClass(scalar).contains(bit) != expected[code] { mismatches.append(String(code, radix: 16)) }
            }
            #expect(mismatches.isEmpty, "\(name): \(mismatches.count) scalars differ, first \(mismatches.prefix(20))")
        }
    }

    /// Patterns without a native scanner go through ICU; the fixture's custom patterns, and the
    /// native patterns' own regexes, must split there as in Python's `regex` and HF.
    @Test func icuSplitsLikeThePeer() throws {
        var patterns: [(String, String)] = SplitPattern.allCases.map { ($0.rawValue, $0.regex) }
        if case let .object(custom) = Self.fixture["custom_patterns"] {
            patterns += custom.map { ($0.key, $0.value.stringValue!) }
        }
        #expect(patterns.count == SplitPattern.allCases.count + 2)
        for (name, regex) in patterns {
            let splitter = try ICUSplitter(regex)
            for item in Self.fixture["cases"].array {
                let text = Array(item["text"].stringValue!.utf8)
                var ends: [Int] = []
                text.withUnsafeBufferPointer { buffer in splitter.split(buffer) { ends.append($0) } }
                let lengths = zip(ends, [0] + ends).map { $0 - $1 }
                #expect(lengths == item["splits"][name].array.map(\.int), "\(name) through ICU on \(String(decoding: text.prefix(60), as: UTF8.self).debugDescription)")
            }
        }
        #expect(PreTokenizer(regex: SplitPattern.llama3.regex) == .native(.llama3))
        #expect(throws: WinnowError.self) { try PreTokenizer.regex("(unclosed").validate() }
    }

    @Test func piecesCoverInvalidUTF8ByteByByte() {
        let text: [UInt8] = [0x61, 0xFF, 0xC3, 0x20, 0x62, 0xE2, 0x82]
        for pattern in SplitPattern.allCases {
            let pieces = pattern.pieces(text)
            #expect(pieces.first?.lowerBound == 0 && pieces.last?.upperBound == text.count)
            #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        }
    }

    @Test func regexStringsRoundTrip() {
        for pattern in SplitPattern.allCases { #expect(SplitPattern(regex: pattern.regex) == pattern) }
    }
}
