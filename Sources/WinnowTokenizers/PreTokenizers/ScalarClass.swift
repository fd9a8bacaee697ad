/// The Unicode classes the split patterns test (`\p{L}`, `\p{N}`, `\s`, `\p{M}`, and o200k's
/// upper/lower letter sets), as bits of one byte per scalar, so a pre-tokeniser tests a class
/// with one table load instead of a general-category lookup.
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8

    /// `\p{L}`: Lu, Ll, Lt, Lm, Lo.
    static let letter = ScalarClass(rawValue: 1)
    /// `\p{N}`: Nd, Nl, No.
    static let number = ScalarClass(rawValue: 2)
    /// `\s`: the White_Space property (what Python's `regex`, Oniguruma and Rust's `regex` use).
    static let space = ScalarClass(rawValue: 4)
    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`, o200k's "upper" set.
    static let upper = ScalarClass(rawValue: 8)
    /// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`, o200k's "lower" set.
    static let lower = ScalarClass(rawValue: 16)
    /// `[\r\n]`.
    static let newline = ScalarClass(rawValue: 32)

    /// Neither letter, number nor white space: `[^\s\p{L}\p{N}]`.
    static let wordish: ScalarClass = [.letter, .number, .space]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ scalar: Unicode.Scalar) {
        var bits: ScalarClass = []
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: bits = [.letter, .upper]
        case .lowercaseLetter: bits = [.letter, .lower]
        case .modifierLetter, .otherLetter: bits = [.letter, .upper, .lower]
        case .nonspacingMark, .spacingMark, .enclosingMark: bits = [.upper, .lower]
        case .decimalNumber, .letterNumber, .otherNumber: bits = .number
        default: break
        }
        if properties.isWhitespace { bits.insert(.space) }
        if scalar == "\r" || scalar == "\n" { bits.insert(.newline) }
        self = bits
    }

    /// The classes of every scalar of the Basic Multilingual Plane, built once (a few ms); the
    /// rest of the code space is classified on demand.
    static let basicPlane: [UInt8] = (0..<0x10000).map { code in
        Unicode.Scalar(UInt32(code)).map { ScalarClass($0).rawValue } ?? 0
    }
}

/// Reads UTF-8 one scalar at a time and classifies it. Invalid bytes (which valid documents
/// never hold, but raw stdin may) are single-byte scalars of no class, so every byte still
/// lands in exactly one piece.
struct ScalarReader {
    let base: UnsafePointer<UInt8>
    let count: Int
    let table: UnsafePointer<UInt8>

    /// The class and byte length of the scalar starting at `i` (< count).
    @inline(__always)
    func scalar(at i: Int) -> (ScalarClass, Int) {
        let b0 = base[i]
        if b0 < 0x80 { return (ScalarClass(rawValue: table[Int(b0)]), 1) }
        if b0 < 0xE0 {
            guard b0 >= 0xC2, i + 1 < count, base[i + 1] & 0xC0 == 0x80 else { return ([], 1) }
            let code = (Int(b0 & 0x1F) << 6) | Int(base[i + 1] & 0x3F)
            return (ScalarClass(rawValue: table[code]), 2)
        }
        if b0 < 0xF0 {
            guard i + 2 < count, base[i + 1] & 0xC0 == 0x80, base[i + 2] & 0xC0 == 0x80 else { return ([], 1) }
            let code = (Int(b0 & 0x0F) << 12) | (Int(base[i + 1] & 0x3F) << 6) | Int(base[i + 2] & 0x3F)
            guard code >= 0x800, !(0xD800...0xDFFF).contains(code) else { return ([], 1) }
            return (ScalarClass(rawValue: table[code]), 3)
        }
        guard b0 < 0xF5, i + 3 < count, base[i + 1] & 0xC0 == 0x80, base[i + 2] & 0xC0 == 0x80,
              base[i + 3] & 0xC0 == 0x80 else { return ([], 1) }
        let code = (UInt32(b0 & 0x07) << 18) | (UInt32(base[i + 1] & 0x3F) << 12)
            | (UInt32(base[i + 2] & 0x3F) << 6) | UInt32(base[i + 3] & 0x3F)
        guard code >= 0x10000, code <= 0x10FFFF, let scalar = Unicode.Scalar(code) else { return ([], 1) }
        return (ScalarClass(scalar), 4)
    }

    @inline(__always)
    func classAt(_ i: Int) -> ScalarClass { i < count ? scalar(at: i).0 : [] }

    /// The end of the run of scalars, from `i`, whose class meets `test`.
    @inline(__always)
    func run(from i: Int, while test: (ScalarClass) -> Bool) -> Int {
        var j = i
        while j < count {
            let (c, len) = scalar(at: j)
            if !test(c) { break }
            j += len
        }
        return j
    }

    /// The start of the scalar that ends at `end` (> 0).
    @inline(__always)
    func scalarStart(before end: Int) -> Int {
        var j = end - 1
        while j > 0, base[j] & 0xC0 == 0x80, end - j < 4 { j -= 1 }
        return j
    }
}
