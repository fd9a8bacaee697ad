import WinnowCore
import WinnowText

/// The repetition measures of Gopher's Table A1, as datatrove computes them, on hashes of the
/// pieces instead of the strings datatrove builds (see `PolynomialHash`). Each takes a counter
/// to reuse, so that one document's many measures share one table.
enum RepetitionStatistics {
    /// Elements seen before, and their total length: `find_duplicates`. Pieces are whole lines
    /// and paragraphs, never joined, so they are keyed by `ByteKeyTable.hash` of their scalars'
    /// bytes (eight bytes a step) rather than by `PolynomialHash` (one multiplication a scalar).
    static func duplicates(_ text: ScalarText, _ pieces: [Range<Int>], counter seen: inout HashCounter) -> (elements: Int, characters: Int) {
        seen.reset(capacity: pieces.count)
        var elements = 0, characters = 0
        text.scalars.withUnsafeBytes { bytes in
            let scalarSize = MemoryLayout<Unicode.Scalar>.stride
            for (i, piece) in pieces.enumerated() {
                let pieceBytes = UnsafeRawBufferPointer(rebasing: bytes[(piece.lowerBound * scalarSize)..<(piece.upperBound * scalarSize)])
                guard seen.add(ByteKeyTable.hash(pieceBytes), at: i) > 0 else { continue }
                elements += 1
                characters += piece.count
            }
        }
        return (elements, characters)
    }

    static let space = PolynomialHash(CollectionOfOne(Unicode.Scalar(0x20)))

    /// Length × count of the most frequent n-gram (words joined by one space, so `spaced` holds
    /// the words' runs with `space` between them), the first one seen among equally frequent
    /// ones: `find_top_duplicate`. Also returns where the n-grams that occur more than once
    /// start (ascending).
    ///
    /// `positions` (ascending), if given, holds every start of an n-gram that occurs more than
    /// once: the (n−1)-grams' `repeating`, since words hold no space, so an n-gram repeats only
    /// where its first n − 1 words do. Only those are counted; every other n-gram occurs once,
    /// and matters only when no n-gram repeats, when the first one (at 0) is the answer.
    static func topNgramCharacters(_ spaced: WordRunHashes, lengths: [Int], n: Int, positions: [Int]? = nil,
                                   counter counts: inout HashCounter) -> (characters: Int, repeating: [Int]) {
        guard lengths.count >= n else { return (0, []) }
        let last = lengths.count - n
        counts.reset(capacity: positions?.count ?? lengths.count)
        var repeats = [Bool](repeating: false, count: last + 1)
        if let positions {
            for i in positions where i <= last { counts.add(spaced.run(i, n).key, at: i, markingRepeatsIn: &repeats) }
        } else {
            for i in 0...last { counts.add(spaced.run(i, n).key, at: i, markingRepeatsIn: &repeats) }
        }
        let best = counts.mostFrequent.flatMap { $0.count > 1 ? $0 : nil } ?? (count: 1, first: 0)
        let length = lengths[best.first..<(best.first + n)].reduce(0, +) + (n - 1)
        return (length * best.count, repeats.indices.filter { repeats[$0] })
    }

    /// Characters in repeated n-grams, scanning greedily and skipping past each repeat:
    /// `find_all_duplicate` (n-grams are the words concatenated without separator, so `joined`
    /// holds the words' runs without one). `positions` (ascending) are where a repeated n-gram
    /// can start (see `RepeatCandidates`): elsewhere an n-gram is unique, so visiting it would
    /// neither count nor match anything, and the scan visits only these.
    static func duplicatedNgramCharacters(_ joined: WordRunHashes, lengths: [Int], n: Int, positions: [Int],
                                          counter seen: inout HashCounter) -> Int {
        seen.reset(capacity: positions.count)
        var repeated = 0, next = 0
        for i in positions where i >= next && i <= lengths.count - n {
            // One probe: a repeat's count goes up, which nothing here reads.
            if seen.add(joined.run(i, n).key, at: i) > 0 {
                repeated += lengths[i..<(i + n)].reduce(0, +)
                next = i + n
            }
        }
        return repeated
    }
}

extension RepetitionStatistics {
    /// The three measures with a counter of their own (tests, one-off callers).
    static func duplicates(_ text: ScalarText, _ pieces: [Range<Int>]) -> (elements: Int, characters: Int) {
        var counter = HashCounter()
        return duplicates(text, pieces, counter: &counter)
    }

    static func topNgramCharacters(_ words: [PolynomialHash], lengths: [Int], n: Int) -> Int {
        var counter = HashCounter()
        return topNgramCharacters(WordRunHashes(words, separator: space), lengths: lengths, n: n, counter: &counter).characters
    }

    static func duplicatedNgramCharacters(_ words: [PolynomialHash], lengths: [Int], n: Int) -> Int {
        var counter = HashCounter()
        return duplicatedNgramCharacters(WordRunHashes(words), lengths: lengths, n: n, positions: Array(lengths.indices), counter: &counter)
    }
}
