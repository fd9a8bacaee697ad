/// Writes character rules as sentencepiece's `precompiled_charsmap` (the blob
/// `PrecompiledCharsMap` reads): `<trie size, uint32 LE><double array><replacements, each NUL
/// terminated>`. The double array is in darts-clone's unit layout, because that is what
/// sentencepiece (and HF's `Precompiled` normalizer) walk: the node at slot `p` keeps its
/// children at `base ^ byte` and its value, if a key ends there, at `base` itself, where
/// `base = p ^ offset` and `offset` is stored in the node's unit. Only the layout is shared
/// with darts-clone; bases are placed by a plain first-fit search.
enum CharsMapCompiler {
    static func compile(_ rules: [[UInt32]: [UInt32]]) -> [UInt8] {
        guard !rules.isEmpty else { return [] }
        // Replacements, each once, in a fixed order so the blob is the same on every run.
        let distinct = Set(rules.values).sorted { $0.lexicographicallyPrecedes($1) }
        var strings: [UInt8] = []
        var offsetOf: [[UInt32]: Int] = [:]
        for replacement in distinct {
            offsetOf[replacement] = strings.count
            strings += utf8(replacement)
            strings.append(0)
        }
        let entries = rules.map { (key: utf8($0.key), value: offsetOf[$0.value]!) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        let units = DoubleArrayLayout(entries).units
        var blob: [UInt8] = []
        blob.reserveCapacity(4 + units.count * 4 + strings.count)
        appendLE(UInt32(units.count * 4), to: &blob)
        for unit in units { appendLE(unit, to: &blob) }
        return blob + strings
    }

    private static func appendLE(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    static func utf8(_ codes: [UInt32]) -> [UInt8] {
        var out: [UInt8] = []
        for code in codes { out += Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8) }
        return out
    }
}

/// The placement of a byte trie in darts-clone's units (see `CharsMapCompiler`).
private struct DoubleArrayLayout {
    private(set) var units: [UInt32] = []
    private var used: [Bool] = []
    private var usedBases = Set<Int>()
    /// Slots below this are all taken (where the first-fit search starts).
    private var firstFree = 1

    /// `entries`: distinct, non-empty keys in sorted order, with values below 2^31.
    init(_ entries: [(key: [UInt8], value: Int)]) {
        grow(to: 256)
        used[0] = true
        // (slot of the node, its entries, depth); a node is placed when its parent is.
        var work: [(slot: Int, range: Range<Int>, depth: Int)] = [(0, 0..<entries.count, 0)]
        var labels: [UInt8] = [], starts: [Int] = []
        while let (slot, range, depth) = work.popLast() {
            labels.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            var leafValue: Int?
            for k in range {
                let key = entries[k].key
                if key.count == depth {
                    leafValue = entries[k].value
                } else if labels.last != key[depth] {
                    labels.append(key[depth])
                    starts.append(k)
                }
            }
            let base = findBase(labels: labels, leaf: leafValue != nil)
            usedBases.insert(base)
            let offset = UInt32(slot ^ base)
            let label = slot == 0 ? 0 : UInt32(entries[range.lowerBound].key[depth - 1])
            units[slot] = label | (leafValue != nil ? 1 << 8 : 0) | offset << 10
            if let leafValue {
                used[base] = true
                units[base] = UInt32(leafValue) | 1 << 31
            }
            for (k, byte) in labels.enumerated() {
                let child = base ^ Int(byte)
                used[child] = true
                let end = k + 1 < starts.count ? starts[k + 1] : range.upperBound
                work.append((child, starts[k]..<end, depth + 1))
            }
        }
    }

    /// The first base, not yet any node's, whose slots for `labels` (and the leaf) are free.
    private mutating func findBase(labels: [UInt8], leaf: Bool) -> Int {
        while firstFree < used.count, used[firstFree] { firstFree += 1 }
        let first = Int(labels.first ?? 0)
        var free = firstFree
        while true {
            grow(to: free + 1)
            if !used[free] {
                let base = free ^ first
                grow(to: (base | 0xFF) + 1)
                if base != 0, !usedBases.contains(base), !(leaf && used[base]),
                   labels.allSatisfy({ !used[base ^ Int($0)] }) {
                    return base
                }
            }
            free += 1
        }
    }

    /// Grows the arrays in whole blocks of 256 units, so every `base ^ byte` is inside them.
    private mutating func grow(to size: Int) {
        guard size > units.count else { return }
        let target = (size + 255) & ~255
        units += [UInt32](repeating: 0, count: target - units.count)
        used += [Bool](repeating: false, count: target - used.count)
    }
}
