import WinnowText

/// Where a run of words, joined without separators, can occur twice in a document: the duplicate
/// n-gram measures (n = 5…10) would otherwise probe a table at every position for every n, yet
/// in most documents almost no run repeats. Two equal runs are equal strings, so they share their first
/// `window` characters; a position whose first `window` characters (read across the following
/// words) start no other position's cannot start a repeated run of any length ≥ `window`.
/// Positions whose shortest run is shorter than `window` characters are always candidates. Hash
/// collisions only add candidates, so the measures stay exact.
enum RepeatCandidates {
    /// Characters compared: long enough that ordinary text rarely shares them between word
    /// starts, short enough that nearly every five-word run is longer.
    static let window = 12

    /// Candidate positions (ascending) for runs of at least `shortest` words of `words` (ranges
    /// of `text`).
    static func find(_ text: ScalarText, words: [Range<Int>], shortest: Int, counter seen: inout HashCounter) -> [Int] {
        let count = words.count
        guard shortest > 0, count >= shortest else { return [] }
        var candidates = [Bool](repeating: false, count: count)
        // Prefix hashes of the words' characters joined (PolynomialHash's recurrence), and where
        // each word starts among them.
        var starts = [Int](repeating: 0, count: count + 1)
        for (k, word) in words.enumerated() { starts[k + 1] = starts[k] + word.count }
        var prefix = [UInt64](repeating: 0, count: starts[count] + 1)
        text.scalars.withUnsafeBufferPointer { s in
            prefix.withUnsafeMutableBufferPointer { prefix in
                var c = 0
                for word in words {
                    for j in word {
                        prefix[c + 1] = prefix[c] &* PolynomialHash.base &+ UInt64(s[j].value) &+ 1
                        c += 1
                    }
                }
            }
        }
        var windowPower: UInt64 = 1
        for _ in 0..<window { windowPower = windowPower &* PolynomialHash.base }
        let total = starts[count]
        // Every position with a full window after it, so that a repeat is seen from both ends.
        seen.reset(capacity: count)
        for i in 0..<count where starts[i] + window <= total {
            seen.add(prefix[starts[i] + window] &- prefix[starts[i]] &* windowPower, at: i, markingRepeatsIn: &candidates)
        }
        for i in 0...(count - shortest) where starts[i + shortest] - starts[i] < window { candidates[i] = true }
        return candidates.indices.filter { candidates[$0] }
    }
}
