import WinnowText

/// The repetition measures of Gopher's Table A1, as datatrove computes them.
enum RepetitionStatistics {
    /// Elements seen before, and their total length: `find_duplicates`.
    static func duplicates(_ text: ScalarText, _ pieces: [Range<Int>]) -> (elements: Int, characters: Int) {
        var seen: Set<ArraySlice<Unicode.Scalar>> = []
        var elements = 0, characters = 0
        for piece in pieces where !seen.insert(text.scalars[piece]).inserted {
            elements += 1
            characters += piece.count
        }
        return (elements, characters)
    }

    /// Length × count of the most frequent n-gram (words joined by one space), the first one
    /// seen among equally frequent ones: `find_top_duplicate`.
    static func topNgramCharacters(_ words: [String], n: Int) -> Int {
        guard words.count >= n else { return 0 }
        var counts: [ArraySlice<String>: Int] = [:]
        var order: [ArraySlice<String>] = []
        for i in 0...(words.count - n) {
            let gram = words[i..<(i + n)]
            if let count = counts[gram] {
                counts[gram] = count + 1
            } else {
                counts[gram] = 1
                order.append(gram)
            }
        }
        var best = order[0], bestCount = 0
        for gram in order where counts[gram]! > bestCount {
            best = gram
            bestCount = counts[gram]!
        }
        let length = best.reduce(0) { $0 + $1.unicodeScalars.count } + (n - 1)
        return length * bestCount
    }

    /// Characters in repeated n-grams, scanning greedily and skipping past each repeat:
    /// `find_all_duplicate` (n-grams are the words concatenated without separator).
    static func duplicatedNgramCharacters(_ words: [String], n: Int) -> Int {
        var seen: Set<String> = []
        var repeated = 0, i = 0
        while i < words.count - n + 1 {
            let gram = words[i..<(i + n)].joined()
            if seen.contains(gram) {
                repeated += gram.unicodeScalars.count
                i += n
            } else {
                seen.insert(gram)
                i += 1
            }
        }
        return repeated
    }
}
