/// SHA-1 (FIPS 180-4), for one purpose: FineWeb's MinHash shingle hash is the first eight bytes
/// of a shingle's SHA-1 read as a little-endian integer (datatrove's `sha1_hash64`). Not for
/// security; shingles are short, so this is written for many small inputs.
enum SHA1 {
    /// The first eight bytes of SHA-1(`bytes`), little-endian.
    static func hash64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let (h0, h1) = digestPrefix(bytes)
        // Bytes 0–7 of the digest are h0 then h1, each big-endian.
        return UInt64(h0.byteSwapped) | UInt64(h1.byteSwapped) << 32
    }

    /// The first two words of the digest.
    private static func digestPrefix(_ message: UnsafeRawBufferPointer) -> (UInt32, UInt32) {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        var block = [UInt8](repeating: 0, count: 64)
        var offset = 0
        let n = message.count
        // Whole blocks straight from the message, then one or two padded blocks.
        while offset + 64 <= n {
            compress(&h, UnsafeRawBufferPointer(rebasing: message[offset..<offset + 64]))
            offset += 64
        }
        let rest = n - offset
        for i in 0..<rest { block[i] = message[offset + i] }
        block[rest] = 0x80
        for i in (rest + 1)..<64 { block[i] = 0 }
        if rest >= 56 {
            block.withUnsafeBytes { compress(&h, $0) }
            for i in 0..<64 { block[i] = 0 }
        }
        let bits = UInt64(n) &* 8
        for i in 0..<8 { block[56 + i] = UInt8(truncatingIfNeeded: bits >> (56 - 8 * UInt64(i))) }
        block.withUnsafeBytes { compress(&h, $0) }
        return (h.0, h.1)
    }

    private static func compress(_ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer) {
        var w = (0..<16).map { UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
        w.reserveCapacity(80)
        for t in 16..<80 {
            let x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]
            w.append(x << 1 | x >> 31)
        }
        var (a, b, c, d, e) = h
        for t in 0..<80 {
            let f: UInt32, k: UInt32
            switch t {
            case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
            case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
            case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
            default: f = b ^ c ^ d; k = 0xCA62_C1D6
            }
            let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[t]
            e = d
            d = c
            c = b << 30 | b >> 2
            b = a
            a = temp
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
    }
}
