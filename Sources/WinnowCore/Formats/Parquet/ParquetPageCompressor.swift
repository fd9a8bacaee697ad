import CSnappy
import CZlib
import CZstd

/// Compresses Parquet pages, each on its own (a page is one zstd frame, one snappy block or one
/// gzip member), with the codec's context kept across pages.
final class ParquetPageCompressor {
    let codec: ParquetCodec
    private let level: Int32
    private var zstd: OpaquePointer?
    /// zlib's stream, at a fixed address: its state points back to it.
    private var deflater: UnsafeMutablePointer<z_stream>?
    private var output: [UInt8] = []

    /// `level`: zstd's level for zstd, zlib's (1–9) for gzip; unused otherwise.
    init(codec: ParquetCodec, level: Int32) throws {
        self.codec = codec
        self.level = level
        if codec == .zstd {
            guard let context = ZSTD_createCCtx() else { throw WinnowError.invalid("cannot allocate a zstd compression context") }
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
            zstd = context
        }
    }

    deinit {
        if let zstd { ZSTD_freeCCtx(zstd) }
        if let deflater {
            deflateEnd(deflater)
            deflater.deallocate()
        }
    }

    /// The compressed page (UNCOMPRESSED hands back the input).
    func compress(_ page: [UInt8], path: String) throws -> [UInt8] {
        switch codec {
        case .uncompressed: return page
        case .zstd: return try compressZstd(page, path: path)
        case .snappy: return try compressSnappy(page, path: path)
        case .gzip: return try compressGzip(page, path: path)
        }
    }

    private func compressZstd(_ page: [UInt8], path: String) throws -> [UInt8] {
        let bound = ZSTD_compressBound(page.count)
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        let written = page.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                ZSTD_compress2(zstd, dst.baseAddress, bound, src.baseAddress, src.count)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw WinnowError.invalid("\(path): zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
        }
        return Array(output[0..<written])
    }

    private func compressSnappy(_ page: [UInt8], path: String) throws -> [UInt8] {
        var length = snappy_max_compressed_length(page.count)
        if output.count < length { output = [UInt8](repeating: 0, count: length) }
        let status = page.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                snappy_compress(src.baseAddress?.assumingMemoryBound(to: CChar.self), src.count,
                                dst.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        guard status == SNAPPY_OK else { throw WinnowError.invalid("\(path): snappy compression failed (status \(status.rawValue))") }
        return Array(output[0..<length])
    }

    /// One gzip member per page (windowBits 31 asks zlib for the gzip wrapper).
    private func compressGzip(_ page: [UInt8], path: String) throws -> [UInt8] {
        let stream: UnsafeMutablePointer<z_stream>
        if let deflater {
            stream = deflater
            deflateReset(stream)
        } else {
            stream = .allocate(capacity: 1)
            stream.initialize(to: z_stream())
            let status = deflateInit2_(stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                throw WinnowError.invalid("\(path): cannot start gzip compression (zlib status \(status))")
            }
            deflater = stream
        }
        let bound = Int(deflateBound(stream, uLong(page.count)))
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        var input = page
        let (status, produced) = input.withUnsafeMutableBytes { src in
            output.withUnsafeMutableBytes { dst -> (Int32, Int) in
                stream.pointee.next_in = src.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(src.count)
                stream.pointee.next_out = dst.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(bound)
                let status = deflate(stream, Z_FINISH)
                return (status, bound - Int(stream.pointee.avail_out))
            }
        }
        guard status == Z_STREAM_END else { throw WinnowError.invalid("\(path): gzip compression failed (zlib status \(status))") }
        return Array(output[0..<produced])
    }
}
