import WinnowCore

/// sentencepiece's compiled normalization rules (`NormalizerSpec.precompiled_charsmap`, e.g. the
/// 240 KB of `nmt_nfkc`): `<trie size, uint32 LE><darts-clone double array><NUL-separated
/// replacements>`. The double array maps UTF-8 byte strings to the offset of their replacement;
/// the normalizer replaces the longest rule that matches at each position, as normalizer.cc does.
/// Reading the compiled array keeps us byte-for-byte with sentencepiece without shipping its rule
/// tables.
struct PrecompiledCharsMap: Sendable {
    /// Darts-clone units. A unit packs: bits 0–7 the label (with bit 31 set on leaf units, so a
    /// leaf never equals a byte), bit 8 "has a leaf child", bits 10–31 the offset to the children
    /// (shifted by 8 more when bit 9 is set); a leaf unit's bits 0–30 are its value.
    private let units: [UInt32]
    /// The replacements, each ending in NUL (one is added at the end if the blob lacks it, so a
    /// replacement can always be read up to its NUL).
    private let replacements: [UInt8]

    init(_ blob: [UInt8], path: String) throws {
        func fail(_ detail: String) -> WinnowError {
            .config(path: path, line: nil, detail: "normalizer_spec.precompiled_charsmap: \(detail)")
        }
        guard blob.count > 4 else { throw fail("\(blob.count) bytes, too short for its header") }
        let trieSize = Int(UInt32(blob[0]) | UInt32(blob[1]) << 8 | UInt32(blob[2]) << 16 | UInt32(blob[3]) << 24)
        guard trieSize < blob.count - 4 + 1, trieSize % 4 == 0, trieSize >= 4 * 256 else {
            throw fail("the trie is said to be \(trieSize) bytes of the \(blob.count - 4) there are (a multiple of 4, at least 1024)")
        }
        units = (0..<(trieSize / 4)).map { k in
            let i = 4 + 4 * k
            return UInt32(blob[i]) | UInt32(blob[i + 1]) << 8 | UInt32(blob[i + 2]) << 16 | UInt32(blob[i + 3]) << 24
        }
        var strings = Array(blob[(4 + trieSize)...])
        if strings.last != 0 { strings.append(0) }
        replacements = strings
        let root = units[0]
        guard root & 0x8000_00FF == 0, root & 0x100 == 0, Self.offset(root) != 0, Self.offset(root) | 0xFF < units.count else {
            throw fail("the double array's root unit is not a root")
        }
    }

    @inline(__always)
    private static func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & 0x200) >> 6)) }

    /// The longest rule matching `text` at `start` (the shortest with `shortest`): how many bytes
    /// it covers and where its replacement starts in `replacements`; nil when no rule matches.
    @inline(__always)
    func longestMatch(_ text: UnsafePointer<UInt8>, from start: Int, to end: Int,
                      units: UnsafeBufferPointer<UInt32>, replacements: UnsafeBufferPointer<UInt8>,
                      shortest: Bool = false) -> (length: Int, replacement: Int)? {
        var node = Self.offset(units[0])
        var best: (length: Int, replacement: Int)?
        var i = start
        while i < end {
            let byte = text[i]
            node ^= Int(byte)
            guard node < units.count else { break }
            let unit = units[node]
            if unit & 0x8000_00FF != UInt32(byte) { break }
            node ^= Self.offset(unit)
            i += 1
            if unit & 0x100 != 0 {
                guard node < units.count else { break }
                let value = Int(units[node] & 0x7FFF_FFFF)
                if value < replacements.count {
                    best = (i - start, value)
                    if shortest { break }
                }
            }
        }
        return best
    }

    /// Whether some rule starts with `byte` (if not, the byte is copied as it is).
    func hasRule(startingWith byte: UInt8) -> Bool {
        let node = Self.offset(units[0]) ^ Int(byte)
        return node < units.count && units[node] & 0x8000_00FF == UInt32(byte)
    }

    /// Runs `body` with the arrays pinned, for a loop of `longestMatch` calls.
    func withTables<R>(_ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try units.withUnsafeBufferPointer { u in try replacements.withUnsafeBufferPointer { r in try body(u, r) } }
    }
}
