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
    ///
    /// Children are placed by first fit over a list of free slots (as darts-clone does); a free
    /// slot that has failed as the first child's place many times leaves the list, which keeps
    /// building a million-key trie (unigram training's seed pieces) to seconds.
    init(_ entries: [(key: [UInt8], value: Int32)]) {
        let sorted = entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var placement = Placement()
        placement.check[0] = -2
        placement.unlink(0)
        // (node, the sorted entries below it, depth); children are placed before their own children.
        var work: [(node: Int, range: Range<Int>, depth: Int)] = [(0, 0..<sorted.count, 0)]
        var labels: [UInt8] = [], starts: [Int] = []
        while let (node, range, depth) = work.popLast() {
            labels.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            for k in range {
                let key = sorted[k].key
                if key.count == depth {
                    placement.values[node] = sorted[k].value
                } else if labels.last != key[depth] {
                    labels.append(key[depth])
                    starts.append(k)
                }
            }
            guard !labels.isEmpty else { continue }
            let b = placement.findBase(labels)
            placement.base[node] = Int32(b)
            for (k, label) in labels.enumerated() {
                let child = b + Int(label)
                placement.check[child] = Int32(node)
                placement.unlink(child)
                let end = k + 1 < starts.count ? starts[k + 1] : range.upperBound
                work.append((child, starts[k]..<end, depth + 1))
            }
        }
        // Every node's base + 255 stays inside the arrays, so a walk needs no bounds checks.
        placement.grow(to: Int(placement.base.max() ?? 0) + 256)
        base = placement.base
        check = placement.check
        values = placement.values
    }

    /// The arrays being filled, with a doubly linked list of the free slots still worth trying.
    private struct Placement {
        var base = [Int32](repeating: 0, count: 512)
        var check = [Int32](repeating: ByteTrie.none, count: 512)
        var values = [Int32](repeating: ByteTrie.none, count: 512)
        /// Free-list links (−1: none; −2 in `next`: not in the list).
        var next = Array(Int32(1)...512)
        var previous = Array(Int32(-1)...510)
        var failures = [UInt8](repeating: 0, count: 512)
        var head: Int32 = 0
        var tail: Int32 = 511

        init() { next[511] = -1 }

        mutating func unlink(_ slot: Int) {
            let n = next[slot], p = previous[slot]
            guard n != -2 else { return }
            if p >= 0 { next[Int(p)] = n } else { head = n }
            if n >= 0 { previous[Int(n)] = p } else { tail = p }
            next[slot] = -2
        }

        mutating func grow(to size: Int) {
            guard size > check.count else { return }
            let old = check.count, more = max(size, old * 2) - old
            base += [Int32](repeating: 0, count: more)
            check += [Int32](repeating: ByteTrie.none, count: more)
            values += [Int32](repeating: ByteTrie.none, count: more)
            failures += [UInt8](repeating: 0, count: more)
            next += (old + 1...old + more).map { Int32($0) }
            previous += (old - 1..<old + more - 1).map { Int32($0) }
            next[old + more - 1] = -1
            // The new slots go after the current tail.
            previous[old] = tail
            if tail >= 0 { next[Int(tail)] = Int32(old) } else { head = Int32(old) }
            tail = Int32(old + more - 1)
        }

        /// The first base whose slots for `labels` are all free.
        mutating func findBase(_ labels: [UInt8]) -> Int {
            let first = Int(labels[0])
            var slot = head
            while true {
                if slot < 0 {
                    // No listed slot fits: grow and carry on with the new ones.
                    let old = check.count
                    grow(to: old + 256)
                    slot = Int32(old)
                }
                let b = Int(slot) - first
                if b >= 1 {
                    grow(to: b + 256)
                    if labels.allSatisfy({ check[b + Int($0)] == ByteTrie.none }) { return b }
                }
                let tried = Int(slot)
                slot = next[tried]
                failures[tried] &+= 1
                if failures[tried] >= 16 { unlink(tried) }
            }
        }
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
