/// Parquet's RLE/bit-packed hybrid encoding, for definition levels and dictionary indices: a
/// value repeated 8 times or more becomes one run (count, value); the rest is bit-packed in
/// groups of 8, least significant bit first. Runs of bit-packed groups are capped at 63 groups,
/// as parquet-cpp writes them, so every reader's limits are met.
enum ParquetRLEEncoder {
    /// Appends the encoding of `values` (each below 2^bitWidth) to `out`, without a length prefix.
    static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into out: inout [UInt8]) {
        let count = values.count
        var literalStart = 0 // values[literalStart..<i] wait to be bit-packed
        var i = 0
        while i < count {
            var runEnd = i + 1
            while runEnd < count, values[runEnd] == values[i] { runEnd += 1 }
            // Bit-packed groups hold 8 values, so pending literals are first padded to a multiple
            // of 8 with values of the run; what is left of the run then goes as one RLE run.
            let pending = i - literalStart
            let borrow = (8 - pending % 8) % 8
            if runEnd - i - borrow >= 8 {
                let runStart = i + borrow
                if runStart > literalStart {
                    bitPack(values, literalStart..<runStart, bitWidth: bitWidth, into: &out)
                }
                ParquetVarint.append(UInt64(runEnd - runStart) << 1, to: &out)
                appendValue(values[i], bitWidth: bitWidth, into: &out)
                literalStart = runEnd
            }
            i = runEnd
        }
        if literalStart < count { bitPack(values, literalStart..<count, bitWidth: bitWidth, into: &out) }
    }

    /// Bytes a run value takes: its bit width rounded up to whole bytes.
    private static func appendValue(_ value: UInt32, bitWidth: Int, into out: inout [UInt8]) {
        for byte in 0..<((bitWidth + 7) / 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * byte))) }
    }

    /// Bit-packs `range` in runs of at most 63 groups of 8; the last group is padded with zeros
    /// (only the final group of the data may be, which is where a partial range can end).
    private static func bitPack(_ values: UnsafeBufferPointer<UInt32>, _ range: Range<Int>, bitWidth: Int, into out: inout [UInt8]) {
        var start = range.lowerBound
        while start < range.upperBound {
            let groups = min(63, (range.upperBound - start + 7) / 8)
            ParquetVarint.append(UInt64(groups) << 1 | 1, to: &out)
            let end = start + groups * 8
            var buffer: UInt64 = 0
            var bits = 0
            for index in start..<end {
                let value = index < range.upperBound ? UInt64(values[index]) : 0
                buffer |= value << UInt64(bits)
                bits += bitWidth
                while bits >= 8 {
                    out.append(UInt8(truncatingIfNeeded: buffer))
                    buffer >>= 8
                    bits -= 8
                }
            }
            start = end
        }
    }

    /// The bits needed for values up to `maximum`.
    static func bitWidth(forMaximum maximum: Int) -> Int {
        maximum <= 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount
    }
}
