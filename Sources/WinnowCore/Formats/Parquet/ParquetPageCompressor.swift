import CSnappy
import CZlib
import CZstd

/// Compresses Parquet pages, each on its own (a page is one zstd frame, one snappy block or one
/// gzip member), with the codec's context and the output buffer kept across pages: a page is
/// about a megabyte, and a fresh buffer for each would be mapped and faulted in every time.
final class ParquetPageCompressor {
    let codec: ParquetCodec
    private let level: Int32
    private var zstd: OpaquePointer?
    /// zlib's stream, at a fixed address: its state points back to it.
    private var deflater: UnsafeMutablePointer<z_stream>?
    private var output: UnsafeMutableRawBufferPointer = .init(start: nil, count: 0)

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
        output.deallocate()
    }

    /// The compressed page: a view of this compressor's buffer, valid until the next call
    /// (UNCOMPRESSED hands back `page` itself).
    func compress(_ page: UnsafeRawBufferPointer, path: String) throws -> UnsafeRawBufferPointer {
        switch codec {
        case .uncompressed: return page
        case .zstd: return try compressZstd(page, path: path)
        case .snappy: return try compressSnappy(page, path: path)
        case .gzip: return try compressGzip(page, path: path)
        }
    }

    private func reserve(_ bytes: Int) {
        guard output.count < bytes else { return }
        output.deallocate()
        output = .allocate(byteCount: max(bytes, output.count * 2), alignment: 16)
    }

    private func compressZstd(_ page: UnsafeRawBufferPointer, path: String) throws -> UnsafeRawBufferPointer {
        reserve(ZSTD_compressBound(page.count))
        let written = ZSTD_compress2(zstd, output.baseAddress, output.count, page.baseAddress, page.count)
        if ZSTD_isError(written) != 0 {
            throw WinnowError.invalid("\(path): zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
        }
        return UnsafeRawBufferPointer(rebasing: output[0..<written])
    }

    private func compressSnappy(_ page: UnsafeRawBufferPointer, path: String) throws -> UnsafeRawBufferPointer {
        reserve(snappy_max_compressed_length(page.count))
        var length = output.count
        let status = snappy_compress(page.baseAddress?.assumingMemoryBound(to: CChar.self), page.count,
                                     output.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
        guard status == SNAPPY_OK else { throw WinnowError.invalid("\(path): snappy compression failed (status \(status.rawValue))") }
        return UnsafeRawBufferPointer(rebasing: output[0..<length])
    }

    /// One gzip member per page (windowBits 31 asks zlib for the gzip wrapper).
    private func compressGzip(_ page: UnsafeRawBufferPointer, path: String) throws -> UnsafeRawBufferPointer {
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
        reserve(Int(deflateBound(stream, uLong(page.count))))
        // zlib reads through a mutable pointer but does not write the input.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: page.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(page.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let status = deflate(stream, Z_FINISH)
        guard status == Z_STREAM_END else { throw WinnowError.invalid("\(path): gzip compression failed (zlib status \(status))") }
        return UnsafeRawBufferPointer(rebasing: output[0..<(output.count - Int(stream.pointee.avail_out))])
    }
}
