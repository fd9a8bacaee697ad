import Testing
import WinnowCore
@testable import WinnowDedup

/// The suffix-array repeat finder against the definition, computed by brute force on small
/// random corpora of a few letters (so repeats are everywhere, across and within documents).
@Suite struct RepeatedSpansTests {
    /// The documents joined as `RepeatedSpans` wants them, and where each starts.
    static func corpus(_ documents: [[UInt8]]) -> (text: [UInt8], starts: [Int]) {
        var text: [UInt8] = [], starts: [Int] = []
        for doc in documents {
            starts.append(text.count)
            text += doc + [RepeatedSpans.separator]
        }
        return (text, starts)
    }

    /// The longest common prefix of two documents' suffixes.
    static func match(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }

    /// Spans covered by [p, p + L) for every p whose L — its longest match with an earlier
    /// position (keepFirst) or with any other — is at least `minimum`.
    static func bruteForce(_ documents: [[UInt8]], minimum: Int, keepFirst: Bool) -> [[Range<Int>]] {
        let places = documents.indices.flatMap { d in documents[d].indices.map { (d, $0) } }
        return documents.indices.map { d in
            var covered = [Bool](repeating: false, count: documents[d].count)
            for p in documents[d].indices {
                var best = 0
                for (e, q) in places where (e, q) != (d, p) && (!keepFirst || (e, q) < (d, p)) {
                    best = max(best, match(documents[d][p...], documents[e][q...]))
                }
                if best >= minimum { for k in p..<(p + best) { covered[k] = true } }
            }
            var spans: [Range<Int>] = []
            var k = 0
            while k < covered.count {
                guard covered[k] else { k += 1; continue }
                let start = k
                while k < covered.count, covered[k] { k += 1 }
                spans.append(start..<k)
            }
            return spans
        }
    }

    @Test(arguments: [true, false])
    func matchesTheDefinitionOnRandomCorpora(keepFirst: Bool) {
        var random = SplitMix64(seed: keepFirst ? 1 : 2)
        for trial in 0..<60 {
            let letters = UInt8(2 + trial % 3)
            let documents = (0..<(1 + random.below(5))).map { _ in
                (0..<random.below(40)).map { _ in 0x61 + UInt8(random.below(Int(letters))) }
            }
            let minimum = 2 + random.below(5)
            let (text, starts) = Self.corpus(documents)
            let found = RepeatedSpans.find(text: text, starts: starts, minimum: minimum, keepFirst: keepFirst)
            #expect(found == Self.bruteForce(documents, minimum: minimum, keepFirst: keepFirst), "trial \(trial)")
        }
    }

    @Test func aRepeatedParagraphIsCutFromItsLaterCopiesOnly() {
        let paragraph = Array("The same long paragraph, repeated in every document of the corpus. ".utf8)
        let documents = [Array("First ".utf8) + paragraph, Array("Second ".utf8) + paragraph + Array("end".utf8), paragraph]
        let (text, starts) = Self.corpus(documents)
        // The space before the paragraph in "First " and "Second " repeats with it.
        let later = RepeatedSpans.find(text: text, starts: starts, minimum: 40, keepFirst: true)
        #expect(later == [[], [6..<(7 + paragraph.count)], [0..<paragraph.count]])
        let all = RepeatedSpans.find(text: text, starts: starts, minimum: 40, keepFirst: false)
        #expect(all == [[5..<(6 + paragraph.count)], [6..<(7 + paragraph.count)], [0..<paragraph.count]])
    }
}
