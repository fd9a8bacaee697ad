/// Bit-level decoding shared by Parquet's encodings: unsigned LEB128 varints, little-endian
/// bit unpacking (LSB first, as every Parquet bit-packing but the deprecated BIT_PACKED levels
/// uses), and the RLE/bit-packed hybrid of levels, dictionary indices and booleans.
struct ParquetByteCursor {
    let bytes: UnsafeRawBufferPointer
    var position: Int

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw ParquetFailure("the values end early (at byte \(position) of \(bytes.count))") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw ParquetFailure("a variable-length integer is longer than 10 bytes (at byte \(position))") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// A count that must fit what remains of the data.
    mutating func varintCount(_ what: String, atMost limit: Int) throws -> Int {
        let v = try varint()
        guard v <= UInt64(limit) else { throw ParquetFailure("\(what) is \(v), more than the \(limit) that can be") }
        return Int(v)
    }

    mutating func littleEndianUInt32() throws -> UInt32 {
        guard remaining >= 4 else { throw ParquetFailure("a 4-byte length runs past the end of the values") }
        defer { position += 4 }
        return bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else {
            throw ParquetFailure("\(count) bytes are needed at byte \(position) but \(remaining) remain")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }
}

/// Reads `width` bits (0…64) at bit `bit` of `bytes`, LSB first; the caller has checked that
/// those bits lie inside `bytes`.
@inline(__always)
func parquetBits(_ bytes: UnsafeRawBufferPointer, bit: Int, width: Int) -> UInt64 {
    if width == 0 { return 0 }
    let byte = bit >> 3, shift = bit & 7
    var word: UInt64
    if byte + 8 <= bytes.count {
        word = bytes.loadUnaligned(fromByteOffset: byte, as: UInt64.self).littleEndian >> UInt64(shift)
        if shift + width > 64 { word |= UInt64(bytes[byte + 8]) << UInt64(64 - shift) }
    } else {
        word = 0
        var i = 0
        while byte + i < bytes.count, i < 8 {
            word |= UInt64(bytes[byte + i]) << UInt64(8 * i)
            i += 1
        }
        word >>= UInt64(shift)
    }
    return width == 64 ? word : word & ((1 << UInt64(width)) - 1)
}

/// The RLE/bit-packed hybrid encoding: runs of one repeated value, and runs of bit-packed
/// groups of eight.
struct ParquetRLEDecoder {
    private var cursor: ParquetByteCursor
    private let bitWidth: Int

    init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int) throws {
        guard (0...32).contains(bitWidth) else { throw ParquetFailure("a bit width of \(bitWidth) for RLE data") }
        cursor = ParquetByteCursor(bytes)
        self.bitWidth = bitWidth
    }

    /// Decodes `count` values, each at most `maximum`, appending them to `out`.
    mutating func decode<T: FixedWidthInteger>(count: Int, maximum: UInt64, into out: inout [T]) throws {
        out.reserveCapacity(out.count + count)
        var left = count
        let valueBytes = (bitWidth + 7) / 8
        while left > 0 {
            let header = try cursor.varint()
            if header & 1 == 0 {
                guard header >> 1 <= UInt64(Int32.max) else { throw ParquetFailure("an RLE run of \(header >> 1) values") }
                let run = Int(header >> 1)
                guard run > 0 else { throw ParquetFailure("an empty RLE run") }
                let raw = try cursor.take(valueBytes)
                var value: UInt64 = 0
                for i in 0..<valueBytes { value |= UInt64(raw[i]) << UInt64(8 * i) }
                guard value <= maximum else { throw ParquetFailure("an RLE value \(value) is over the maximum \(maximum)") }
                let n = min(run, left)
                out.append(contentsOf: repeatElement(T(truncatingIfNeeded: value), count: n))
                left -= n
            } else {
                guard header >> 1 <= UInt64(Int32.max / 8) else { throw ParquetFailure("a bit-packed run of \(header >> 1) groups") }
                let values = Int(header >> 1) * 8
                let n = min(values, left)
                // A last run may stop at the bytes its values need rather than a whole group.
                let full = values * bitWidth / 8
                let needed = (n * bitWidth + 7) / 8
                let available = min(full, cursor.remaining)
                guard available >= needed else {
                    throw ParquetFailure("a bit-packed run needs \(needed) bytes but \(cursor.remaining) remain")
                }
                let packed = try cursor.take(available)
                for i in 0..<n {
                    let value = parquetBits(packed, bit: i * bitWidth, width: bitWidth)
                    guard value <= maximum else { throw ParquetFailure("a bit-packed value \(value) is over the maximum \(maximum)") }
                    out.append(T(truncatingIfNeeded: value))
                }
                left -= n
            }
        }
    }
}

/// DELTA_BINARY_PACKED: blocks of miniblocks of bit-packed deltas from a first value.
enum ParquetDeltaDecoder {
    /// Decodes the whole encoded run (all its values, so the cursor ends where the data after it
    /// begins), refusing more than `limit` values. Arithmetic wraps, as the encoding intends.
    static func decode(_ cursor: inout ParquetByteCursor, limit: Int) throws -> [Int64] {
        let blockSize = try cursor.varintCount("a delta block size", atMost: 1 << 20)
        let miniblocks = try cursor.varintCount("a delta miniblock count", atMost: 1 << 16)
        let total = try cursor.varintCount("a delta value count", atMost: limit)
        var value = try cursor.zigzag()
        guard blockSize > 0, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0 else {
            throw ParquetFailure("delta blocks of \(blockSize) values in \(miniblocks) miniblocks")
        }
        let perMiniblock = blockSize / miniblocks
        var out: [Int64] = []
        out.reserveCapacity(total)
        if total == 0 { return out }
        out.append(value)
        var widths = [Int](repeating: 0, count: miniblocks)
        while out.count < total {
            let minDelta = try cursor.zigzag()
            for m in 0..<miniblocks { widths[m] = Int(try cursor.byte()) }
            for m in 0..<miniblocks where out.count < total {
                let width = widths[m]
                guard width <= 64 else { throw ParquetFailure("a delta miniblock of \(width)-bit values") }
                let packed = try cursor.take(perMiniblock * width / 8)
                let n = min(perMiniblock, total - out.count)
                for i in 0..<n {
                    let delta = parquetBits(packed, bit: i * width, width: width)
                    value = value &+ minDelta &+ Int64(bitPattern: delta)
                    out.append(value)
                }
            }
        }
        return out
    }
}
