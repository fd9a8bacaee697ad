import CBrotli
import CLZ4
import CSnappy
import CZlib
import CZstd

/// Decompresses Parquet pages with the system libraries Debian packages. Every codec must
/// produce exactly the size the page header promises, which also bounds the allocation: the
/// header's size is checked against a limit before anything is allocated.
enum ParquetDecompressor {
    /// A page larger than this is refused as damage; real writers stay far below (1 MB pages).
    static let maxPageBytes = 1 << 30
    /// How much larger than its compressed bytes a page may claim to be, past a 16 MB
    /// allowance: more than any codec gives on real data, and it keeps a forged size from
    /// making the reader allocate gigabytes for a few bytes of input.
    static let maxRatio = 4096

    static func decompress(codec: Int32, _ input: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        guard size >= 0, size <= maxPageBytes, size <= (16 << 20) + input.count * maxRatio else {
            throw ParquetFailure("the page claims \(size) uncompressed bytes from \(input.count) compressed")
        }
        if codec == 0 {
            guard input.count == size else {
                throw ParquetFailure("an uncompressed page holds \(input.count) bytes but its header says \(size)")
            }
            return Array(input)
        }
        // One spare byte keeps the buffer's address valid for an empty page.
        var out = [UInt8](repeating: 0, count: size + 1)
        let produced: Int = try out.withUnsafeMutableBytes { whole in
            let output = UnsafeMutableRawBufferPointer(rebasing: whole[0..<size])
            switch codec {
            case 1: return try snappy(input, output)
            case 2: return try gzip(input, output)
            case 4: return try brotli(input, output)
            case 5: return try hadoopLZ4(input, output)
            case 6: return try zstd(input, output)
            case 7: return try lz4Block(input, output)
            default: throw ParquetFailure("compression \(ParquetNames.codec(codec)) is not supported")
            }
        }
        out.removeLast()
        guard produced == size else {
            throw ParquetFailure("the page decompresses to \(produced) bytes but its header says \(size)")
        }
        return out
    }

    private static func snappy(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let src = input.baseAddress?.assumingMemoryBound(to: CChar.self) else {
            throw ParquetFailure("the snappy data is empty")
        }
        var length = 0
        guard snappy_uncompressed_length(src, input.count, &length) == SNAPPY_OK else {
            throw ParquetFailure("the snappy data is damaged")
        }
        guard length == output.count else {
            throw ParquetFailure("the page decompresses to \(length) bytes but its header says \(output.count)")
        }
        guard length > 0 else { return 0 }
        guard snappy_uncompress(src, input.count, output.baseAddress!.assumingMemoryBound(to: CChar.self), &length) == SNAPPY_OK else {
            throw ParquetFailure("the snappy data is damaged")
        }
        return length
    }

    /// Gzip, possibly several members one after another (zlib streams are accepted too).
    private static func gzip(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) throws -> Int {
        var produced = 0
        var consumed = 0
        while consumed < input.count {
            var stream = z_stream()
            guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw ParquetFailure("cannot start gzip decompression")
            }
            defer { inflateEnd(&stream) }
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + consumed)
            stream.avail_in = UInt32(input.count - consumed)
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced
            stream.avail_out = UInt32(output.count - produced)
            let status = inflate(&stream, Z_FINISH)
            produced = output.count - Int(stream.avail_out)
            if status != Z_STREAM_END {
                if stream.avail_out == 0 { throw ParquetFailure("the page decompresses to more bytes than its header says (\(output.count))") }
                throw ParquetFailure("the gzip data is damaged or cut short (zlib status \(status))")
            }
            consumed = input.count - Int(stream.avail_in)
        }
        return produced
    }

    private static func brotli(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) throws -> Int {
        var length = output.count
        guard let src = input.baseAddress?.assumingMemoryBound(to: UInt8.self), let dst = output.baseAddress else { return 0 }
        guard BrotliDecoderDecompress(input.count, src, &length, dst.assumingMemoryBound(to: UInt8.self)) == BROTLI_DECODER_RESULT_SUCCESS else {
            throw ParquetFailure("the brotli data is damaged or larger than the page header says")
        }
        return length
    }

    private static func zstd(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let src = input.baseAddress, let dst = output.baseAddress else { return 0 }
        let n = ZSTD_decompress(dst, output.count, src, input.count)
        if ZSTD_isError(n) != 0 {
            throw ParquetFailure("the zstd data is damaged: \(String(cString: ZSTD_getErrorName(n)))")
        }
        return n
    }

    private static func lz4Block(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let src = input.baseAddress, let dst = output.baseAddress, input.count <= Int(Int32.max) else { return 0 }
        let n = LZ4_decompress_safe(src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self),
                                    Int32(input.count), Int32(output.count))
        guard n >= 0 else { throw ParquetFailure("the LZ4 data is damaged or larger than the page header says") }
        return Int(n)
    }

    /// Hadoop's LZ4 framing (blocks of big-endian uncompressed and compressed sizes, then an
    /// LZ4 block), which the deprecated LZ4 codec means; some writers put a bare LZ4 block
    /// there instead, which is tried when the framing does not fit.
    private static func hadoopLZ4(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) throws -> Int {
        func bigEndian(_ at: Int) -> Int {
            Int(input[at]) << 24 | Int(input[at + 1]) << 16 | Int(input[at + 2]) << 8 | Int(input[at + 3])
        }
        var inPos = 0, outPos = 0
        framed: while inPos < input.count {
            guard input.count - inPos >= 8 else { break framed }
            let raw = bigEndian(inPos), compressed = bigEndian(inPos + 4)
            guard compressed <= input.count - inPos - 8, raw <= output.count - outPos else { break framed }
            let n = try lz4Block(UnsafeRawBufferPointer(rebasing: input[inPos + 8..<inPos + 8 + compressed]),
                                 UnsafeMutableRawBufferPointer(rebasing: output[outPos..<outPos + raw]))
            guard n == raw else { break framed }
            inPos += 8 + compressed
            outPos += n
        }
        if inPos == input.count { return outPos }
        return try lz4Block(input, output)
    }
}

/// The CRC-32 (zlib's polynomial) Parquet page headers may carry, over the page's bytes as stored.
func parquetCRC32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = bytes.baseAddress else { return 0 }
    var crc: UInt = 0
    var offset = 0
    while offset < bytes.count {
        let n = min(bytes.count - offset, Int(UInt32.max))
        crc = CZlib.crc32(crc, base.assumingMemoryBound(to: UInt8.self) + offset, UInt32(n))
        offset += n
    }
    return UInt32(truncatingIfNeeded: crc)
}
