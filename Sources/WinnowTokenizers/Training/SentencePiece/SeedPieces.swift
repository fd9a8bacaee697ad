import Dispatch
import Synchronization
import WinnowCore

/// The seed vocabulary of unigram training (unigram_model_trainer.cc `MakeSeedSentencePieces`):
/// every kept character, then the substrings that are nodes of the corpus's suffix tree (they
/// occur at least twice and with two different continuations), valid as pieces, ranked by
/// occurrences × length; scores are log frequencies.
///
/// sentencepiece builds the whole suffix array (esaxx, 4 arrays of 4 bytes per character: the
/// memory its trainer is known for). A piece has at most `maxLength` characters and never holds
/// the boundary, the unknown character or an inner `▁`, so two suffixes need comparing only up
/// to `maxLength + 1` characters or the first such stop: the suffixes are sorted by that
/// prefix alone, a group of first characters at a time, which finds exactly the same nodes
/// with up to that length and keeps one group's positions in memory.
enum SeedPieces {
    /// (piece symbols' start in `text`, its length, occurrences × length).
    struct Candidate {
        var start: UInt32
        var length: UInt8
        var score: Int64
    }

    static func make(_ sentences: TrainingSentences, rules: PieceRules, seedSize: Int,
                     threads: Int) -> [(piece: [UInt8], score: Double)] {
        let classes = PieceRules.classes(of: sentences.characters)
        let utf8 = sentences.symbolUTF8()
        let limit = rules.maxLength + 1
        let groups = pairGroups(sentences.text, symbolCount: utf8.count, threads: threads)
        let next = Mutex(0)
        let found = Mutex<[Candidate]>([])
        let text = sentences.text, space = sentences.spaceSymbol
        // Workers take batches of groups and collect a batch's positions in one pass of the text.
        let batch = 8
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, groups.count))) { _ in
            var queue = BoundedCandidates(size: seedSize)
            var positions: [[UInt32]] = []
            text.withUnsafeBufferPointer { text in
                classes.withUnsafeBufferPointer { classes in
                    let sorter = SuffixSorter(text: text, space: space, splitByWhitespace: rules.splitByWhitespace, limit: limit)
                    while case let first = next.withLock({ n -> Int in defer { n += batch }; return n }), first < groups.count {
                        collect(text, groups[first..<min(first + batch, groups.count)], rules: rules, classes: classes, into: &positions)
                        for g in positions.indices {
                            positions[g].withUnsafeMutableBufferPointer { suffixes in
                                let common = sorter.sortByPrefix(suffixes)
                                sorter.nodes(suffixes, common: common) { start, length, count in
                                    let piece = UnsafeBufferPointer(rebasing: text[Int(start)..<(Int(start) + length)])
                                    guard rules.allows(piece, classes: classes) else { return }
                                    queue.push(Candidate(start: start, length: UInt8(length), score: Int64(count) * Int64(length)))
                                }
                            }
                            positions[g] = []
                        }
                    }
                }
            }
            let kept = queue.finish()
            found.withLock { $0 += kept }
        }
        var all = BoundedCandidates(size: seedSize)
        for candidate in found.withLock({ $0 }) { all.push(candidate) }
        let best = all.finish()
        // Characters first, by frequency, then substrings by score (ties: by their bytes).
        var seeds: [(piece: [UInt8], score: Double)] = []
        let order = sentences.characters.indices.sorted {
            sentences.characterCounts[$0] != sentences.characterCounts[$1]
                ? sentences.characterCounts[$0] > sentences.characterCounts[$1] : utf8[$0 + 2].lexicographicallyPrecedes(utf8[$1 + 2])
        }
        for k in order { seeds.append((utf8[k + 2], Double(sentences.characterCounts[k]))) }
        let pieces = best.map { candidate -> (piece: [UInt8], score: Double) in
            var bytes: [UInt8] = []
            for k in 0..<Int(candidate.length) { bytes += utf8[Int(sentences.text[Int(candidate.start) + k])] }
            return (bytes, Double(candidate.score))
        }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.piece.lexicographicallyPrecedes($1.piece) }
        seeds += pieces
        let logTotal = log(seeds.reduce(0) { $0 + $1.score })
        return seeds.map { ($0.piece, log($0.score) - logTotal) }
    }

    /// Ranges of first-two-symbol pairs (`first << 16 | second`) whose suffixes together are
    /// about `1/(16·threads)` of the text: consecutive first symbols share a range, and a first
    /// symbol with more suffixes than that (`▁` starts a fifth of them) is cut by its second.
    private static func pairGroups(_ text: [UInt16], symbolCount: Int, threads: Int) -> [ClosedRange<UInt32>] {
        var counts = [Int](repeating: 0, count: symbolCount)
        for symbol in text { counts[Int(symbol)] += 1 }
        let target = max(1 << 16, text.count / (16 * max(1, threads)))
        var groups: [ClosedRange<UInt32>] = []
        var start = 2, size = 0
        func close(through last: Int) {
            if last >= start { groups.append(UInt32(start) << 16...(UInt32(last) << 16 | 0xFFFF)) }
            size = 0
        }
        for symbol in 2..<symbolCount {
            if counts[symbol] > target {
                close(through: symbol - 1)
                var seconds = [Int](repeating: 0, count: symbolCount)
                for i in 0..<(text.count - 1) where text[i] == symbol { seconds[Int(text[i + 1])] += 1 }
                var from = 0, part = 0
                for second in 0..<symbolCount {
                    part += seconds[second]
                    if part >= target || second == symbolCount - 1 {
                        groups.append((UInt32(symbol) << 16 | UInt32(from))...(UInt32(symbol) << 16 | UInt32(second == symbolCount - 1 ? 0xFFFF : second)))
                        from = second + 1
                        part = 0
                    }
                }
                start = symbol + 1
                continue
            }
            size += counts[symbol]
            if size >= target { close(through: symbol); start = symbol + 1 }
        }
        close(through: symbolCount - 1)
        return groups
    }

    /// The positions whose first two symbols are in each of `groups` (consecutive ranges) and may
    /// be a piece, one list per group, in one pass of the text: the others (a word's last
    /// character, a change of script, …) start no piece longer than one character, since the
    /// rules hold for every prefix of a piece, so they cannot change the nodes found and are not
    /// sorted (a fifth to a third of the positions of most text).
    private static func collect(_ text: UnsafeBufferPointer<UInt16>, _ groups: ArraySlice<ClosedRange<UInt32>>, rules: PieceRules,
                                classes: UnsafeBufferPointer<PieceRules.SymbolClass>, into positions: inout [[UInt32]]) {
        positions = groups.map { _ in [] }
        guard let low = groups.first?.lowerBound, let high = groups.last?.upperBound else { return }
        let bounds = groups.map(\.lowerBound)
        // The text ends with a boundary (never a first symbol here), so i + 1 is inside it.
        for i in 0..<(text.count - 1) {
            let key = UInt32(text[i]) << 16 | UInt32(text[i + 1])
            guard key >= low, key <= high, rules.allows(UnsafeBufferPointer(rebasing: text[i...(i + 1)]), classes: classes) else { continue }
            // The last group starting at or below the key.
            var lo = 0, hi = bounds.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if bounds[mid] <= key { lo = mid } else { hi = mid - 1 }
            }
            positions[lo].append(UInt32(i))
        }
    }
}

/// The best `size` candidates seen, by score then start (sentencepiece's `BoundedPriorityQueue`:
/// collects, and sorts and cuts when it holds four times the size).
private struct BoundedCandidates {
    let size: Int
    var items: [SeedPieces.Candidate] = []
    var floor: Int64?

    init(size: Int) { self.size = size }

    mutating func push(_ candidate: SeedPieces.Candidate) {
        if let floor, candidate.score < floor { return }
        items.append(candidate)
        if items.count > 4 * size { cut() }
    }

    private mutating func cut() {
        items.sort { $0.score != $1.score ? $0.score > $1.score : $0.start < $1.start }
        if items.count > size {
            items.removeLast(items.count - size)
            floor = items.last?.score
        }
    }

    mutating func finish() -> [SeedPieces.Candidate] {
        cut()
        return items
    }
}

/// Sorts suffixes by their first `limit` symbols, stopping after a symbol no piece may hold
/// past its start (the boundary, the unknown character, and `▁` after the first symbol), and
/// reports the nodes of the suffix tree those prefixes form.
private struct SuffixSorter {
    let text: UnsafeBufferPointer<UInt16>
    let space: UInt16?
    let splitByWhitespace: Bool
    let limit: Int

    init(text: UnsafeBufferPointer<UInt16>, space: UInt16?, splitByWhitespace: Bool, limit: Int) {
        self.text = text
        self.space = splitByWhitespace ? space : nil
        self.splitByWhitespace = splitByWhitespace
        self.limit = limit
    }

    /// Whether a prefix ends after `symbol` at `depth` (keys are equal from there on).
    @inline(__always)
    func stops(_ symbol: UInt16, _ depth: Int) -> Bool {
        symbol <= TrainingSentences.unknown || (depth > 0 && symbol == space) || depth + 1 >= limit
    }

    @inline(__always)
    func symbol(_ suffix: UInt32, _ depth: Int) -> UInt16 { text[Int(suffix) + depth] }

    /// Sorts by the first four symbols packed in one integer with each position (so most
    /// comparisons read no text: reading it at random positions is what suffix sorting waits
    /// on), then each run that shares them by `sort` from the fifth symbol on. Returns the
    /// common prefix of each suffix with the one before, from the packed symbols where they
    /// differ (`Self.unknownPrefix` where the text must be read, inside such runs).
    func sortByPrefix(_ a: UnsafeMutableBufferPointer<UInt32>) -> [UInt8] {
        var keyed: [(key: UInt64, position: UInt32)] = []
        keyed.reserveCapacity(a.count)
        for position in a {
            var key: UInt64 = 0
            for depth in 0..<4 {
                let symbol = symbol(position, depth)
                key = key << 16 | UInt64(symbol)
                if stops(symbol, depth) {
                    key <<= 16 * UInt64(3 - depth)
                    break
                }
            }
            keyed.append((key, position))
        }
        keyed.sort { $0.key < $1.key }
        var common = [UInt8](repeating: 0, count: keyed.count)
        for k in 0..<keyed.count {
            a[k] = keyed[k].position
            guard k > 0 else { continue }
            let same = (keyed[k - 1].key ^ keyed[k].key).leadingZeroBitCount / 16
            var length = Self.unknownPrefix
            for depth in 0..<min(same + 1, 4) {
                if depth == same { length = UInt8(depth); break }
                if stops(UInt16(truncatingIfNeeded: keyed[k].key >> (48 - 16 * UInt64(depth))), depth) { length = UInt8(depth + 1); break }
            }
            common[k] = length
        }
        guard limit > 4 else { return common }
        var start = 0
        while start < keyed.count {
            var end = start + 1
            while end < keyed.count, keyed[end].key == keyed[start].key { end += 1 }
            // A run still to sort: four symbols, none of them a stop.
            if end - start > 1, (0..<4).allSatisfy({ !stops(symbol(keyed[start].position, $0), $0) }) {
                sort(UnsafeMutableBufferPointer(rebasing: a[start..<end]), depth: 4)
            }
            start = end
        }
        return common
    }

    /// Marks a common prefix `sortByPrefix` leaves to be read from the text.
    static let unknownPrefix = UInt8.max

    /// Multikey quicksort (Bentley & Sedgewick 1997) on the symbols from `depth` on.
    func sort(_ a: UnsafeMutableBufferPointer<UInt32>, depth: Int) {
        var a = a, depth = depth
        while a.count > 16 {
            let n = a.count
            let pivot = median(symbol(a[0], depth), symbol(a[n / 2], depth), symbol(a[n - 1], depth))
            // Three-way partition: [< pivot | = pivot | > pivot].
            var lt = 0, i = 0, gt = n
            while i < gt {
                let s = symbol(a[i], depth)
                if s < pivot {
                    a.swapAt(lt, i); lt += 1; i += 1
                } else if s > pivot {
                    gt -= 1; a.swapAt(i, gt)
                } else {
                    i += 1
                }
            }
            sort(UnsafeMutableBufferPointer(rebasing: a[0..<lt]), depth: depth)
            sort(UnsafeMutableBufferPointer(rebasing: a[gt..<n]), depth: depth)
            if stops(pivot, depth) { return }
            a = UnsafeMutableBufferPointer(rebasing: a[lt..<gt])
            depth += 1
        }
        // Insertion sort for the small rest.
        if a.count < 2 { return }
        for i in 1..<a.count {
            let x = a[i]
            var j = i
            while j > 0, compare(x, a[j - 1], from: depth) < 0 {
                a[j] = a[j - 1]
                j -= 1
            }
            a[j] = x
        }
    }

    private func median(_ a: UInt16, _ b: UInt16, _ c: UInt16) -> UInt16 {
        a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b))
    }

    private func compare(_ x: UInt32, _ y: UInt32, from depth: Int) -> Int {
        var d = depth
        while true {
            let a = symbol(x, d), b = symbol(y, d)
            if a != b { return a < b ? -1 : 1 }
            if stops(a, d) { return 0 }
            d += 1
        }
    }

    /// The common prefix of two suffixes in symbols, counting a shared stop symbol.
    @inline(__always)
    private func commonPrefix(_ x: UInt32, _ y: UInt32, from depth: Int = 0) -> Int {
        var d = depth
        while true {
            let a = symbol(x, d)
            if a != symbol(y, d) { return d }
            if stops(a, d) { return d + 1 }
            d += 1
        }
    }

    /// Calls `report(start, length, occurrences)` for each node of the sorted suffixes: each
    /// interval of suffixes sharing a prefix of `length` symbols that not all continue alike
    /// (the bottom-up walk of Abouelhoda, Kurtz & Ohlebusch 2004).
    func nodes(_ a: UnsafeMutableBufferPointer<UInt32>, common: [UInt8], _ report: (UInt32, Int, Int) -> Void) {
        guard a.count > 1 else { return }
        var stack: [(depth: Int, left: Int)] = [(0, 0)]
        for i in 1...a.count {
            let known = i < a.count ? common[i] : 0
            let depth = known == Self.unknownPrefix ? commonPrefix(a[i - 1], a[i], from: 4) : Int(known)
            var left = i - 1
            while depth < stack[stack.count - 1].depth {
                let top = stack.removeLast()
                left = top.left
                if top.depth >= 2 { report(a[top.left], top.depth, i - top.left) }
            }
            if depth > stack[stack.count - 1].depth { stack.append((depth, left)) }
        }
    }
}
