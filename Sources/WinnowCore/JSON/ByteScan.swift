/// Word-at-a-time byte scanning shared by the JSON scanner, the JSON writer and UTF-8
/// validation. Each helper reads 8 bytes as one little-endian word; the lowest flagged byte of
/// the returned mask is exact (higher flags may be spurious), which is all a "find the first"
/// loop needs.
enum ByteScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Flags bytes equal to zero.
    @inline(__always) static func zeroBytes(_ w: UInt64) -> UInt64 {
        (w &- ones) & ~w & highs
    }

    /// Flags bytes that end a fast run inside a JSON string: `"`, `\` and control bytes below 0x20.
    @inline(__always) static func stringSpecials(_ w: UInt64) -> UInt64 {
        zeroBytes(w ^ 0x2222_2222_2222_2222) | zeroBytes(w ^ 0x5C5C_5C5C_5C5C_5C5C)
            | ((w &- 0x2020_2020_2020_2020) & ~w & highs)
    }

    /// Flags backslashes only.
    @inline(__always) static func backslashes(_ w: UInt64) -> UInt64 {
        zeroBytes(w ^ 0x5C5C_5C5C_5C5C_5C5C)
    }

    @inline(__always) static func load(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
    }

    /// Index of the first byte in `p[from..<end]` flagged by `mask`, or `end`.
    @inline(__always) static func first(in p: UnsafePointer<UInt8>, from: Int, end: Int,
                                        mask: (UInt64) -> UInt64, byte: (UInt8) -> Bool) -> Int {
        var i = from
        while i + 8 <= end {
            let m = mask(load(p, i))
            if m != 0 { return i + m.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end, !byte(p[i]) { i += 1 }
        return i
    }
}

/// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
public enum UTF8Validation {
    /// The offset of the first byte that is not part of a valid UTF-8 sequence, or nil.
    public static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let n = bytes.count
        var i = 0
        while i < n {
            if i + 8 <= n, ByteScan.load(base, i) & ByteScan.highs == 0 { i += 8; continue }
            let b0 = base[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            if i + length > n { return i }
            let b1 = base[i + 1]
            if b1 < lower || b1 > upper { return i }
            for k in 2..<length where base[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { firstInvalidOffset($0) == nil }
    }
}
