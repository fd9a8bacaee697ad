import CZlib

/// Streaming gzip decompression of a file, including files made of several gzip members.
public final class GzipSource: ByteSource {
    private let file: any RandomAccessSource
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inMember = false
    private var fileEnded = false

    public var path: String { file.path }
    public var fileOffset: Int64 { file.fileOffset - Int64(stream.avail_in) }

    public init(file: any RandomAccessSource) throws {
        self.file = file
        input = .allocate(byteCount: 1 << 17, alignment: 16)
        // 15 + 32: a 32 KiB window and automatic gzip/zlib header detection.
        let status = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        if status != Z_OK {
            input.deallocate()
            throw WinnowError.invalid("\(file.path): cannot start gzip decompression (zlib status \(status))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(truncatingIfNeeded: min(buffer.count, Int(UInt32.max)))
        let capacity = stream.avail_out
        while stream.avail_out == capacity {
            if stream.avail_in == 0 {
                if fileEnded {
                    if inMember {
                        throw WinnowError.corruptStream(
                            path: path, offset: fileOffset,
                            detail: "gzip stream is truncated: the file ends inside a member")
                    }
                    return 0
                }
                let n = try file.read(into: input)
                if n == 0 { fileEnded = true; continue }
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(n)
            }
            inMember = true
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                // A member ended; another may follow (concatenated gzip files are valid gzip).
                inMember = false
                inflateReset(&stream)
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw WinnowError.corruptStream(path: path, offset: fileOffset,
                                                detail: "gzip data is corrupt: \(message)")
            }
        }
        return Int(capacity - stream.avail_out)
    }
}
