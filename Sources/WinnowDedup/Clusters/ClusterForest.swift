/// Union-find over the documents that share a key with another, in little memory: a bit per
/// document of the corpus marks those with an edge (1/8 byte each, 125 MB per billion), a
/// count of marked bits before every 64-bit word turns a document's place into its index among
/// the marked ones (1/16 byte each), and only marked documents get a parent (4 bytes). Indices
/// keep input order, and a union always makes the smaller index the root, so every cluster's
/// root is its first document, whatever order the edges come in.
struct ClusterForest {
    private var bits: [UInt64]
    private var before: [UInt32] = []
    private(set) var parent: [UInt32] = []

    init(slots: Int) {
        bits = [UInt64](repeating: 0, count: (slots + 63) / 64)
    }

    /// Bytes the forest will hold for `slots` documents of which `members` have an edge.
    static func bytes(slots: Int, members: Int) -> Int { (slots + 63) / 64 * 12 + members * 4 }

    /// Marks a document as having an edge (before `seal`).
    mutating func mark(_ slot: Int) {
        bits[slot >> 6] |= 1 << UInt64(slot & 63)
    }

    /// Ends marking: counts the marked documents and makes each its own root.
    mutating func seal() {
        before = [UInt32](repeating: 0, count: bits.count + 1)
        var total: UInt32 = 0
        for (w, word) in bits.enumerated() {
            before[w] = total
            total += UInt32(word.nonzeroBitCount)
        }
        before[bits.count] = total
        parent = Array(0..<total)
    }

    var members: Int { parent.count }

    /// The index of a marked document among the marked ones.
    func index(of slot: Int) -> Int {
        let w = slot >> 6
        let below = bits[w] & ((1 << UInt64(slot & 63)) - 1)
        return Int(before[w]) + below.nonzeroBitCount
    }

    /// The document (slot) of the marked one with this index.
    func slot(of index: Int) -> Int {
        // The last word whose count of earlier members is at most `index`.
        var low = 0, high = bits.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if Int(before[mid]) <= index { low = mid } else { high = mid - 1 }
        }
        var word = bits[low]
        for _ in 0..<(index - Int(before[low])) { word &= word - 1 }
        return low * 64 + word.trailingZeroBitCount
    }

    mutating func root(_ i: Int) -> Int {
        var x = i
        while Int(parent[x]) != x {
            // Path halving: every other node on the way points to its grandparent.
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        let ra = root(a), rb = root(b)
        if ra < rb { parent[rb] = UInt32(ra) } else if rb < ra { parent[ra] = UInt32(rb) }
    }

    /// Points every member straight at its root, so `parent[i]` is `i`'s root from then on. A
    /// parent always has a smaller index than its child, so one pass in index order does it.
    mutating func flatten() {
        for i in parent.indices { parent[i] = parent[Int(parent[i])] }
    }

    /// Calls `body(slot, index)` for every marked document in `slots`, in order.
    func forEachMember(in slots: Range<Int>, _ body: (Int, Int) throws -> Void) rethrows {
        guard !slots.isEmpty else { return }
        var index = self.index(of: slots.lowerBound)
        var w = slots.lowerBound >> 6
        while w * 64 < slots.upperBound {
            var word = bits[w]
            if w == slots.lowerBound >> 6 { word &= ~((1 << UInt64(slots.lowerBound & 63)) - 1) }
            while word != 0 {
                let slot = w * 64 + word.trailingZeroBitCount
                if slot >= slots.upperBound { return }
                try body(slot, index)
                index += 1
                word &= word - 1
            }
            w += 1
        }
    }
}
