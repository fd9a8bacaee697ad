/// A trie over byte strings, walked one byte at a time: the unigram encoder follows it from each
/// character to find every piece that starts there (sentencepiece walks its double array the
/// same way). The root's children are a 256-entry table; the other edges live in one
/// open-addressing table keyed by (node, byte), probed with a multiply, so a step is one or two
/// loads instead of a `Dictionary` lookup.
struct ByteTrie: Sendable {
    /// No such node (the walk ends).
    static let none: Int32 = -1
    private var rootChildren = [Int32](repeating: ByteTrie.none, count: 256)
    /// Edge table: key `node << 8 | byte` (`UInt64.max`: empty slot), value the child.
    private var edgeKeys: [UInt64]
    private var edgeChildren: [Int32]
    private var mask: Int
    private var edgeCount = 0
    /// The value stored at each node (`none`: no key ends there). Node 0 is the root.
    private(set) var values: [Int32] = [ByteTrie.none]

    init(capacity: Int = 1024) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        edgeKeys = [UInt64](repeating: .max, count: size)
        edgeChildren = [Int32](repeating: Self.none, count: size)
        mask = size - 1
    }

    var nodeCount: Int { values.count }

    /// Stores `value` at the end of `key` (not empty), replacing any value there.
    mutating func insert(_ key: [UInt8], value: Int32) {
        var node: Int32 = 0
        for byte in key {
            var next = child(node, byte)
            if next == Self.none {
                next = Int32(values.count)
                values.append(Self.none)
                if node == 0 {
                    rootChildren[Int(byte)] = next
                } else {
                    edgeCount += 1
                    if edgeCount * 2 > edgeKeys.count { grow() }
                    place(UInt64(node) << 8 | UInt64(byte), next)
                }
            }
            node = next
        }
        values[Int(node)] = value
    }

    /// The child of `node` along `byte`, or `none`.
    @inline(__always)
    func child(_ node: Int32, _ byte: UInt8) -> Int32 {
        if node == 0 { return rootChildren[Int(byte)] }
        let key = UInt64(node) << 8 | UInt64(byte)
        var slot = Self.slot(key, mask)
        while true {
            let k = edgeKeys[slot]
            if k == key { return edgeChildren[slot] }
            if k == .max { return Self.none }
            slot = (slot + 1) & mask
        }
    }

    /// The longest key that `text[start..<end]` starts with: its length and value.
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
        copy.rootChildren = rootChildren.privateCopy()
        copy.edgeKeys = edgeKeys.privateCopy()
        copy.edgeChildren = edgeChildren.privateCopy()
        copy.values = values.privateCopy()
        return copy
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
    }

    private mutating func place(_ key: UInt64, _ child: Int32) {
        var slot = Self.slot(key, mask)
        while edgeKeys[slot] != .max { slot = (slot + 1) & mask }
        edgeKeys[slot] = key
        edgeChildren[slot] = child
    }

    private mutating func grow() {
        let keys = edgeKeys, children = edgeChildren
        edgeKeys = [UInt64](repeating: .max, count: keys.count * 2)
        edgeChildren = [Int32](repeating: Self.none, count: keys.count * 2)
        mask = edgeKeys.count - 1
        for (k, key) in keys.enumerated() where key != .max { place(key, children[k]) }
    }
}
