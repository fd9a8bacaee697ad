import Testing
import WinnowText

@Suite struct WordRunHashesTests {
    /// Every run's hash is exactly the one joining its words by `appending` gives, with and
    /// without a separator, including runs at both ends and the whole sequence.
    @Test func runsEqualAppendedWords() {
        let words = ["the", "cat", "", "sat", "on", "the", "mat", "ünïcode", "猫", "."].map { PolynomialHash($0.unicodeScalars) }
        let space = PolynomialHash(" ".unicodeScalars)
        for separator in [nil, space] {
            let runs = WordRunHashes(words, separator: separator)
            for n in 1...words.count {
                for i in 0...(words.count - n) {
                    var expected = words[i]
                    for j in (i + 1)..<(i + n) {
                        if let separator { expected = expected.appending(separator) }
                        expected = expected.appending(words[j])
                    }
                    #expect(runs.run(i, n) == expected, "run(\(i), \(n)) separator \(separator != nil)")
                }
            }
        }
    }

    @Test func joinedRunHashesTheJoinedText() {
        let words = ["ab", "c", "d"].map { PolynomialHash($0.unicodeScalars) }
        #expect(WordRunHashes(words).run(0, 3) == PolynomialHash("abcd".unicodeScalars))
        #expect(WordRunHashes(words, separator: PolynomialHash(" ".unicodeScalars)).run(1, 2) == PolynomialHash("c d".unicodeScalars))
    }

    @Test func emptyRunIsTheEmptyHash() {
        #expect(WordRunHashes([]).run(0, 0) == .empty)
    }
}
