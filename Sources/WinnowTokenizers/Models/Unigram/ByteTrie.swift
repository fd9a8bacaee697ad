import WinnowCore

/// A trie over byte strings as a double array, walked one byte at a time: the unigram encoder
/// follows it from each character to find every piece that starts there (sentencepiece walks its
/// darts-clone array the same way). A step is two loads and a compare: the child of `node` along
/// byte `b` is `base[node] + b`, and it exists if its `check` names `node` as its parent. (A hash
/// table keyed by (node, byte) spent a fifth of the unigram encoder's time waiting on probes.)
struct ByteTrie: Sendable {
    /// No such node (the walk ends).
    static let none: Int32 = -1
    private var base: [Int32]
    /// The parent of each slot; `none` for a free slot, −2 for the root (no node's child).
    private var check: [Int32]
    /// The value stored at each node (`none`: no key ends there).
    private(set) var values: [Int32]

    /// `entries`' keys must be distinct and not empty.
    init(_ entries: [(key: [UInt8], value: Int32)]) {
        let sorted = entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        base = [Int32](repeating: 0, count: 512)
        check = [Int32](repeating: Self.none, count: 512)
        values = [Int32](repeating: Self.none, count: 512)
        check[0] = -2
        var firstFree = 1
        // (node, the sorted entries below it, depth); children are placed before their own children.
        var work: [(node: Int, range: Range<Int>, depth: Int)] = [(0, 0..<sorted.count, 0)]
        var labels: [UInt8] = [], starts: [Int] = []
        while let (node, range, depth) = work.popLast() {
            labels.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            for k in range {
                let key = sorted[k].key
                if key.count == depth {
                    values[node] = sorted[k].value
                } else if labels.last != key[depth] {
                    labels.append(key[depth])
                    starts.append(k)
                }
            }
            guard !labels.isEmpty else { continue }
            while firstFree < check.count, check[firstFree] != Self.none { firstFree += 1 }
            var b = max(1, firstFree - Int(labels[0]))
            while true {
                grow(to: b + 256)
                if labels.allSatisfy({ check[b + Int($0)] == Self.none }) { break }
                b += 1
            }
            base[node] = Int32(b)
            for (k, label) in labels.enumerated() {
                let child = b + Int(label)
                check[child] = Int32(node)
                let end = k + 1 < starts.count ? starts[k + 1] : range.upperBound
                work.append((child, starts[k]..<end, depth + 1))
            }
        }
        // Every node's base + 255 stays inside the arrays, so a walk needs no bounds checks.
        grow(to: Int(base.max() ?? 0) + 256)
    }

    private mutating func grow(to size: Int) {
        guard size > check.count else { return }
        let more = max(size, check.count * 2) - check.count
        base += [Int32](repeating: 0, count: more)
        check += [Int32](repeating: Self.none, count: more)
        values += [Int32](repeating: Self.none, count: more)
    }

    var nodeCount: Int { values.count }

    /// The child of `node` along `byte`, or `none`.
    @inline(__always)
    func child(_ node: Int32, _ byte: UInt8) -> Int32 {
        let c = Int(base[Int(node)]) + Int(byte)
        return check[c] == node ? Int32(c) : Self.none
    }

    /// Runs `body` with the arrays pinned (base, check, values), for hot loops.
    @inline(__always)
    func withTables<R>(_ body: (UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Int32>) throws -> R) rethrows -> R {
        try base.withUnsafeBufferPointer { b in
            try check.withUnsafeBufferPointer { c in
                try values.withUnsafeBufferPointer { v in try body(b.baseAddress!, c.baseAddress!, v.baseAddress!) }
            }
        }
    }

    /// The longest key that `text` starts with at `start`: its length and value.
    func longestPrefix(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> (length: Int, value: Int32)? {
        var node: Int32 = 0
        var best: (length: Int, value: Int32)?
        var i = start
        while i < text.count {
            node = child(node, text[i])
            if node == Self.none { break }
            i += 1
            if values[Int(node)] != Self.none { best = (i - start, values[Int(node)]) }
        }
        return best
    }

    /// A copy sharing no storage, for one encoding thread (see `ByteKeyTable.privateCopy`).
    func privateCopy() -> ByteTrie {
        var copy = self
        copy.base = base.privateCopy()
        copy.check = check.privateCopy()
        copy.values = values.privateCopy()
        return copy
    }
}
