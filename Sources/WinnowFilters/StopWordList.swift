import WinnowText

/// A list of stop words, looked up by word hash: Gopher's rule asks how many distinct stop words
/// a document holds, for every word of every document, so the lookup is one probe of a table
/// built once per list instead of a string per word.
struct StopWordList: Sendable {
    private let words: [[Unicode.Scalar]]
    /// Word hash key → index in `words`.
    private let index: HashCounter
    /// Bit k set: some stop word has k scalars (k < 64). Most tokens have no stop word's
    /// length and are passed without a probe.
    private let lengths: UInt64

    init(_ list: Set<String>) {
        words = list.sorted().map { Array($0.unicodeScalars) }
        var index = HashCounter(capacity: words.count)
        for (i, word) in words.enumerated() { index.add(PolynomialHash(word).key, at: i) }
        self.index = index
        lengths = words.reduce(0) { $1.count < 64 ? $0 | 1 << UInt64($1.count) : $0 }
    }

    /// How many different stop words occur among `tokens` (ranges of `text`, with their hashes).
    func distinctCount(in text: ScalarText, tokens: [Range<Int>], hashes: [PolynomialHash]) -> Int {
        var seen = [Bool](repeating: false, count: words.count)
        var distinct = 0
        for (token, hash) in zip(tokens, hashes) {
            guard token.count < 64, lengths >> UInt64(token.count) & 1 == 1, let i = index.firstPosition(of: hash.key), !seen[i], text.scalars[token].elementsEqual(words[i]) else { continue }
            seen[i] = true
            distinct += 1
            if distinct == words.count { break }
        }
        return distinct
    }
}
