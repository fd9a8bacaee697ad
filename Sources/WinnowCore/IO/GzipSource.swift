import CZlib

/// Streaming gzip decompression of a file, including files made of several gzip members.
public final class GzipSource: ByteSource {
    private let file: any RandomAccessSource
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inMember = false
    private var fileEnded = false
    /// Whether a damaged member is skipped (counted, and reading resumes at the next member)
    /// instead of failing the stream: WARC files compress each record as its own member, so one
    /// broken member costs one record.
    private let skipsDamagedMembers: Bool
    /// Where, in the decompressed stream, each damaged member was cut off (the output ends
    /// there and resumes with the next member), so a reader can tell which record it hit.
    public private(set) var damageOffsets: [Int64] = []
    /// Decompressed bytes produced so far.
    private var produced: Int64 = 0
    /// The compressed offset where the current member started.
    private var memberStart: Int64 = 0

    public var path: String { file.path }
    public var fileOffset: Int64 { file.fileOffset - Int64(stream.avail_in) }

    public init(file: any RandomAccessSource, skipsDamagedMembers: Bool = false) throws {
        self.file = file
        self.skipsDamagedMembers = skipsDamagedMembers
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
                    if inMember, skipsDamagedMembers {
                        damageOffsets.append(produced + Int64(capacity - stream.avail_out))
                        inMember = false
                    }
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
                memberStart = fileOffset
            default:
                if skipsDamagedMembers {
                    damageOffsets.append(produced + Int64(capacity - stream.avail_out))
                    inMember = false
                    try skipToNextMember()
                    continue
                }
                let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw WinnowError.corruptStream(path: path, offset: fileOffset,
                                                detail: "gzip data is corrupt: \(message)")
            }
        }
        produced += Int64(capacity - stream.avail_out)
        return Int(capacity - stream.avail_out)
    }

    /// Drops compressed bytes up to the next gzip member header (1F 8B 08) from where the
    /// damage was found, or to the end of the file, and starts decompressing afresh there.
    private func skipToNextMember() throws {
        inflateReset(&stream)
        // A member that failed in its header has not moved the position: step past its first
        // byte, so the search does not find the same header again.
        if fileOffset == memberStart, stream.avail_in > 0 { stream.next_in += 1; stream.avail_in -= 1 }
        defer { memberStart = fileOffset }
        while true {
            let n = Int(stream.avail_in)
            if n >= 3, let p = stream.next_in {
                var i = 0
                while i + 2 < n {
                    if p[i] == 0x1F, p[i + 1] == 0x8B, p[i + 2] == 0x08 {
                        stream.next_in = p + i
                        stream.avail_in = UInt32(n - i)
                        return
                    }
                    i += 1
                }
            }
            // Keep the last two bytes, which may start a header that the next read completes.
            let keep = min(n, 2)
            if keep > 0, let p = stream.next_in {
                memmove(input.baseAddress!, p + (n - keep), keep)
            }
            let read = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: input[keep...]))
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = UInt32(keep + read)
            if read == 0 {
                stream.avail_in = 0
                fileEnded = true
                return
            }
        }
    }
}
