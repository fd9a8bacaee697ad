import CZstd

/// Streaming zstd decompression of a file (one or more concatenated frames).
///
/// A file that ends inside a frame, or holds bytes that are not zstd, is an error naming the
/// compressed offset, so a truncated shard fails loudly instead of yielding a short shard.
public final class ZstdSource: ByteSource {
    private let file: any RandomAccessSource
    private let context: OpaquePointer
    private var input: UnsafeMutableRawBufferPointer
    private var inputFilled = 0
    private var inputPosition = 0
    /// ZSTD_decompressStream's hint: 0 once a frame is complete and flushed.
    private var frameOpen = false
    private var fileEnded = false

    public var path: String { file.path }
    /// Compressed bytes consumed by the decompressor (not merely read ahead).
    public var fileOffset: Int64 { file.fileOffset - Int64(inputFilled - inputPosition) }

    public init(file: any RandomAccessSource) throws {
        self.file = file
        guard let context = ZSTD_createDCtx() else {
            throw WinnowError.invalid("\(file.path): cannot allocate a zstd decompression context")
        }
        self.context = context
        input = .allocate(byteCount: ZSTD_DStreamInSize(), alignment: 16)
    }

    deinit {
        ZSTD_freeDCtx(context)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var output = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
        while output.pos == 0 {
            if inputPosition == inputFilled {
                if fileEnded {
                    if frameOpen {
                        throw WinnowError.corruptStream(
                            path: path, offset: fileOffset,
                            detail: "zstd stream is truncated: the file ends inside a frame")
                    }
                    return 0
                }
                inputFilled = try file.read(into: input)
                inputPosition = 0
                if inputFilled == 0 { fileEnded = true; continue }
            }
            var source = ZSTD_inBuffer(src: input.baseAddress, size: inputFilled, pos: inputPosition)
            let hint = ZSTD_decompressStream(context, &output, &source)
            if ZSTD_isError(hint) != 0 {
                throw WinnowError.corruptStream(
                    path: path, offset: fileOffset,
                    detail: "zstd data is corrupt: \(String(cString: ZSTD_getErrorName(hint)))")
            }
            inputPosition = source.pos
            frameOpen = hint != 0
        }
        return output.pos
    }
}
