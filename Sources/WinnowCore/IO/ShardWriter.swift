import CZstd

/// Writes JSON lines to a `.jsonl.zst` file atomically: bytes go to a temporary name beside the
/// target, and only `finish()` renames it into place, so a killed task never leaves a file that
/// looks complete.
public final class ShardWriter {
    public let path: String
    private let file: AtomicFile
    private let context: OpaquePointer
    private var pending: [UInt8] = []
    private var compressed: UnsafeMutableRawBufferPointer
    /// Uncompressed bytes written so far.
    public private(set) var bytesWritten: Int64 = 0
    public private(set) var linesWritten = 0
    private static let flushThreshold = 1 << 20

    /// `level` is the zstd level (1 is fastest; 3 is zstd's default).
    public init(path: String, level: Int32 = 3) throws {
        self.path = path
        file = try AtomicFile(path: path)
        guard let context = ZSTD_createCCtx() else {
            throw WinnowError.invalid("\(path): cannot allocate a zstd compression context")
        }
        self.context = context
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        compressed = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 16)
        pending.reserveCapacity(ShardWriter.flushThreshold + (64 << 10))
    }

    deinit {
        ZSTD_freeCCtx(context)
        compressed.deallocate()
    }

    /// Appends one line; `body` writes its bytes (without the newline) into the buffer.
    public func writeLine(_ body: (inout [UInt8]) -> Void) throws {
        let before = pending.count
        body(&pending)
        pending.append(0x0A)
        bytesWritten += Int64(pending.count - before)
        linesWritten += 1
        if pending.count >= ShardWriter.flushThreshold { try compressPending(end: false) }
    }

    public func write(_ doc: Document) throws {
        // A large document no stage edited goes to the compressor straight from the bytes it
        // was read as: copying it into `pending` first would hold it twice (a 50 MB line cost
        // another 64 MB of buffer here).
        if !doc.edited, doc.original.count >= ShardWriter.flushThreshold {
            try compressPending(end: false)
            try doc.original.withUnsafeBytes { try compress($0, end: false) }
            try [UInt8(0x0A)].withUnsafeBytes { try compress($0, end: false) }
            bytesWritten += Int64(doc.original.count + 1)
            linesWritten += 1
            return
        }
        try writeLine { DocumentCodec.encode(doc, into: &$0) }
        // After an edited large document, give the buffer back rather than keep it all task long.
        if pending.isEmpty, pending.capacity > 4 * ShardWriter.flushThreshold {
            pending = []
            pending.reserveCapacity(ShardWriter.flushThreshold + (64 << 10))
        }
    }

    /// Completes the zstd frame, syncs the file and renames it to its final name.
    public func finish() throws {
        try compressPending(end: true)
        try file.commit()
    }

    private func compressPending(end: Bool) throws {
        try pending.withUnsafeBytes { try compress($0, end: end) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Feeds `raw` to the zstd stream (ending the frame if `end`) and appends what comes out.
    private func compress(_ raw: UnsafeRawBufferPointer, end: Bool) throws {
        var input = ZSTD_inBuffer(src: raw.baseAddress, size: raw.count, pos: 0)
        while true {
            var output = ZSTD_outBuffer(dst: compressed.baseAddress, size: compressed.count, pos: 0)
            let remaining = ZSTD_compressStream2(context, &output, &input, end ? ZSTD_e_end : ZSTD_e_continue)
            if ZSTD_isError(remaining) != 0 {
                throw WinnowError.invalid("\(path): zstd compression failed: \(String(cString: ZSTD_getErrorName(remaining)))")
            }
            try file.append(UnsafeRawBufferPointer(rebasing: compressed[0..<output.pos]))
            let done = end ? remaining == 0 : input.pos == input.size
            if done { break }
        }
    }
}
