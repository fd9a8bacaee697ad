import CDivSufSort

/// The stretches of a corpus that repeat text found elsewhere in it, at least `minimum` bytes
/// long, found with a suffix array (Lee et al. 2021, "Deduplicating Training Data Makes
/// Language Models Better", arXiv 2107.06499). The corpus is its documents' texts one after
/// another, each followed by a 0xFF byte, which UTF-8 never holds, so no match runs from one
/// document into the next.
///
/// Three arrays over the text: the suffix array (libdivsufsort), then the longest common
/// prefix of each suffix with the one before it in that order, computed in text order with
/// the Φ array (Kärkkäinen, Manzini & Puglisi, 2009) in the same memory, then — for
/// `keepFirst` — the longest previous factor of each position, the longest string starting
/// there that also starts earlier in the corpus, from a stack over the suffix array (Crochemore
/// & Ilie, 2008), again in place. A position belongs to a repeat when a factor of at least
/// `minimum` bytes covers it: the first occurrence of everything stays. Without `keepFirst`
/// every copy goes, as Lee et al. did. Memory: the text, and 4 bytes per byte for each of two
/// arrays under 2 GB of text (8 above), that is 9 (or 17) bytes per byte. Every document ends
/// with a separator, so `p + length` never runs past the text.
enum RepeatedSpans {
    static let separator: UInt8 = 0xFF

    /// Repeated byte ranges, per document (in its own offsets), in order, not overlapping.
    /// `text` holds the documents, each followed by `separator`; `starts` gives where each
    /// begins.
    static func find(text: [UInt8], starts: [Int], minimum: Int, keepFirst: Bool) -> [[Range<Int>]] {
        if text.count < Int(Int32.max) {
            return find(text: text, starts: starts, minimum: minimum, keepFirst: keepFirst, index: Int32.self)
        }
        return find(text: text, starts: starts, minimum: minimum, keepFirst: keepFirst, index: Int64.self)
    }

    private static func find<Index: FixedWidthInteger & SignedInteger>(
        text: [UInt8], starts: [Int], minimum: Int, keepFirst: Bool, index: Index.Type
    ) -> [[Range<Int>]] {
        let n = text.count
        guard n > 0 else { return starts.map { _ in [] } }
        var suffixes = [Index](repeating: 0, count: n)
        text.withUnsafeBufferPointer { t in
            suffixes.withUnsafeMutableBufferPointer { sa in
                if Index.self == Int32.self {
                    sa.withMemoryRebound(to: Int32.self) { _ = divsufsort(t.baseAddress, $0.baseAddress, Int32(n)) }
                } else {
                    sa.withMemoryRebound(to: Int64.self) { _ = divsufsort64(t.baseAddress, $0.baseAddress, Int64(n)) }
                }
            }
        }
        // `values[p]`: first Φ(p), the suffix just before p's in suffix order; then the
        // common prefix of p with it; then the length that counts for p (its previous factor,
        // or its longest match with a neighbour).
        var values = [Index](repeating: -1, count: n)
        for i in 1..<n { values[Int(suffixes[i])] = suffixes[i - 1] }
        commonPrefixes(text, &values)
        if keepFirst { previousFactors(suffixes, &values) } else { longestNeighbourMatches(suffixes, &values) }
        let ends = starts.indices.map { $0 + 1 < starts.count ? starts[$0 + 1] - 1 : n - 1 }
        return spans(values, starts, ends, minimum)
    }

    /// Φ → PLCP in place: each position's common prefix with its predecessor in suffix order,
    /// stopped before a separator (so within both documents). A position's is at least its
    /// left neighbour's minus one, so the whole pass compares O(n) bytes.
    private static func commonPrefixes<Index: FixedWidthInteger & SignedInteger>(_ text: [UInt8], _ values: inout [Index]) {
        text.withUnsafeBufferPointer { t in
            values.withUnsafeMutableBufferPointer { v in
                var length = 0
                let n = t.count
                for p in 0..<n {
                    let q = Int(v[p])
                    if q < 0 || t[p] == separator {
                        v[p] = 0
                        length = 0
                        continue
                    }
                    while q + length < n, t[p + length] == t[q + length], t[p + length] != separator { length += 1 }
                    v[p] = Index(length)
                    if length > 0 { length -= 1 }
                }
            }
        }
    }

    /// PLCP → longest previous factor in place (Crochemore & Ilie's stack over suffix order).
    private static func previousFactors<Index: FixedWidthInteger & SignedInteger>(_ suffixes: [Index], _ values: inout [Index]) {
        suffixes.withUnsafeBufferPointer { sa in
            values.withUnsafeMutableBufferPointer { v in
                let n = sa.count
                var stack: [Index] = [0]
                v[Int(sa[0])] = 0
                for i in 1...n {
                    let position = i < n ? Int(sa[i]) : -1
                    var current = i < n ? v[position] : 0
                    while let top = stack.last {
                        let topPosition = Int(sa[Int(top)])
                        let topLength = v[topPosition]
                        if position < topPosition {
                            v[topPosition] = max(topLength, current)
                            current = min(topLength, current)
                        } else if current <= topLength {
                            v[topPosition] = topLength
                        } else {
                            break
                        }
                        stack.removeLast()
                    }
                    if i < n {
                        v[position] = current
                        stack.append(Index(i))
                    }
                }
            }
        }
    }

    /// PLCP → each position's longest match with either neighbour in suffix order (every
    /// copy of a repeat then has its length), in place: position SA[i] reads its successor's
    /// value before that one is overwritten.
    private static func longestNeighbourMatches<Index: FixedWidthInteger & SignedInteger>(_ suffixes: [Index], _ values: inout [Index]) {
        suffixes.withUnsafeBufferPointer { sa in
            values.withUnsafeMutableBufferPointer { v in
                let n = sa.count
                for i in 0..<n {
                    let next = i + 1 < n ? v[Int(sa[i + 1])] : 0
                    v[Int(sa[i])] = max(v[Int(sa[i])], next)
                }
            }
        }
    }

    /// Runs of positions covered by a length of at least `minimum` starting at or before
    /// them, per document.
    private static func spans<Index: FixedWidthInteger & SignedInteger>(_ values: [Index], _ starts: [Int], _ ends: [Int], _ minimum: Int) -> [[Range<Int>]] {
        starts.indices.map { document in
            let start = starts[document], end = ends[document]
            var found: [Range<Int>] = []
            var reach = start
            var run: Int?
            for p in start..<end {
                let length = Int(values[p])
                if length >= minimum { reach = max(reach, p + length) }
                if p < reach {
                    if run == nil { run = p }
                } else if let first = run {
                    found.append((first - start)..<(p - start))
                    run = nil
                }
            }
            if let first = run { found.append((first - start)..<(end - start)) }
            return found
        }
    }
}
