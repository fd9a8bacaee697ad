/// Splits a WARC stream (already decompressed) into records: the header lines, then
/// `Content-Length` bytes of block, then CRLF CRLF. Memory is one buffer that holds the record
/// being read; a record longer than `maxBlockBytes` is streamed past, not held.
///
/// Damage never stops the reader: a record whose length is not a number, whose block does not
/// end where its length says, or whose gzip member is broken is returned as `.damaged` with the
/// reason, and reading resumes at the next line that starts with `WARC/`.
final class WARCRecordReader {
    /// One record framed by the reader.
    enum Framed {
        /// A whole record: its header fields (names lower-cased) and its block.
        case record(WARCHeaders, block: ArraySlice<UInt8>, offset: Int64)
        /// A record over the size limit, read past: its headers and block length.
        case oversized(WARCHeaders, length: Int, offset: Int64)
        /// Bytes that could not be framed as a record: why, where, and the bytes (at most the
        /// record limit) for `rejected/`.
        case damaged(reason: String, offset: Int64, bytes: [UInt8])
    }

    private var source: any ByteSource
    private var buffer: [UInt8] = []
    /// Bytes [start, buffer.count) are read but not yet consumed.
    private var start = 0
    private var sourceEnded = false
    /// Offset in the decompressed stream of `buffer[0]`.
    private var bufferOffset: Int64 = 0
    private let maxBlockBytes: Int
    /// Where the decompressor cut damaged gzip members off, in the decompressed stream; a
    /// record that spans one is damaged.
    private let damageOffsets: () -> [Int64]
    /// A header section longer than this is not a WARC header.
    static let maxHeaderBytes = 1 << 20

    var fileOffset: Int64 { source.fileOffset }
    var path: String { source.path }

    /// The most a record may hold when no `max_doc_bytes` is set: a `Content-Length` that lies
    /// must not make the reader hold the rest of a multi-gigabyte file.
    static let defaultMaxBlockBytes = 512 << 20

    init(source: any ByteSource, maxBlockBytes: Int, damageOffsets: @escaping () -> [Int64] = { [] }) {
        self.source = source
        self.maxBlockBytes = maxBlockBytes > 0 ? maxBlockBytes : Self.defaultMaxBlockBytes
        self.damageOffsets = damageOffsets
    }

    /// The next record, or nil at the end of the stream.
    func next() throws -> Framed? {
        compact()
        // Records are separated by CRLF CRLF; tolerate extra blank lines between them.
        while true {
            guard try fill(1) else { return nil }
            let b = buffer[start]
            if b == 0x0D || b == 0x0A { start += 1; continue }
            break
        }
        let offset = bufferOffset + Int64(start)
        guard try fill(5), buffer[start..<start + 5].elementsEqual("WARC/".utf8) else {
            let skipped = try resync(from: start)
            return .damaged(reason: "bytes that are not a WARC record", offset: offset, bytes: skipped)
        }
        guard let headerEnd = try findHeaderEnd() else {
            let skipped = try resync(from: start + 5)
            return .damaged(reason: "WARC header does not end within 1 MiB", offset: offset, bytes: skipped)
        }
        let headers = WARCHeaders(parsing: buffer[start..<headerEnd.fieldsEnd])
        guard let lengthText = headers["content-length"], let length = Int(lengthText), length >= 0 else {
            let skipped = try resync(from: headerEnd.blockStart)
            return .damaged(reason: headers["content-length"] == nil ? "no Content-Length" : "Content-Length is not a number",
                            offset: offset, bytes: skipped)
        }
        let blockStart = headerEnd.blockStart
        if length > maxBlockBytes {
            start = blockStart
            let passed = try discard(length)
            if passed < length {
                return .damaged(reason: "file ends inside a record", offset: offset, bytes: [])
            }
            try consumeTrailer()
            return .oversized(headers, length: length, offset: offset)
        }
        let available = try fill(blockStart - start + length + 4) ? length : buffer.count - blockStart
        if available < length {
            let bytes = Array(buffer[start...])
            start = buffer.count
            return .damaged(reason: "file ends inside a record", offset: offset, bytes: bytes)
        }
        let blockEnd = blockStart + length
        let end = bufferOffset + Int64(blockEnd + 4)
        if let damage = damageOffsets().first(where: { $0 > offset && $0 <= end }) {
            let bytes = Array(buffer[start..<blockEnd])
            // The damaged member's output stops at `damage` and the next member starts there,
            // with no line break before its `WARC/`.
            let cut = Int(damage - bufferOffset)
            if cut + 5 <= buffer.count, buffer[cut..<(cut + 5)].elementsEqual("WARC/".utf8) {
                start = cut
            } else {
                _ = try resync(from: blockStart)
            }
            return .damaged(reason: "broken gzip member", offset: offset, bytes: bytes)
        }
        let trailer = buffer[blockEnd..<min(blockEnd + 4, buffer.count)]
        if !trailer.elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]) {
            let bytes = Array(buffer[start..<blockEnd])
            _ = try resync(from: blockStart)
            return .damaged(reason: "record does not end where its Content-Length says", offset: offset, bytes: bytes)
        }
        let block = buffer[blockStart..<blockEnd]
        start = blockEnd + 4
        return .record(headers, block: block, offset: offset)
    }

    /// Where the header fields end (before the blank line) and the block starts (after it).
    private func findHeaderEnd() throws -> (fieldsEnd: Int, blockStart: Int)? {
        var i = start
        while true {
            while i + 1 < buffer.count {
                if buffer[i] == 0x0A {
                    if buffer[i + 1] == 0x0A { return (i + 1, i + 2) }
                    if buffer[i + 1] == 0x0D {
                        if i + 2 >= buffer.count { break }
                        if buffer[i + 2] == 0x0A { return (i + 1, i + 3) }
                    }
                }
                i += 1
            }
            if buffer.count - start > Self.maxHeaderBytes { return nil }
            let before = buffer.count
            _ = try fill(buffer.count - start + (1 << 16))
            if buffer.count == before { return nil }
        }
    }

    /// Consumes bytes up to the next line that starts with `WARC/` (or the end), returning
    /// what it skipped (at most 1 MiB of it, for `rejected/`).
    private func resync(from position: Int) throws -> [UInt8] {
        let keep = min(maxBlockBytes, 1 << 20)
        var skipped = Array(buffer[start..<min(position, buffer.count)].prefix(keep))
        start = min(position, buffer.count)
        while true {
            var i = start
            while i + 6 <= buffer.count {
                if buffer[i] == 0x0A, buffer[i + 1] == 0x57, buffer[(i + 1)..<(i + 6)].elementsEqual("WARC/".utf8) {
                    if skipped.count < keep { skipped += buffer[start..<(i + 1)].prefix(keep - skipped.count) }
                    start = i + 1
                    return skipped
                }
                i += 1
            }
            let consumedTo = max(start, buffer.count - 5)
            if skipped.count < keep { skipped += buffer[start..<consumedTo].prefix(keep - skipped.count) }
            start = consumedTo
            compact()
            if !(try fill(buffer.count - start + (1 << 16))) && buffer.count - start < 6 {
                start = buffer.count
                return skipped
            }
        }
    }

    /// Reads past `count` bytes without holding them; returns how many there were.
    private func discard(_ count: Int) throws -> Int {
        var left = count
        while left > 0 {
            if start == buffer.count {
                compact()
                if !(try fill(1)) { break }
            }
            let n = min(left, buffer.count - start)
            start += n
            left -= n
        }
        return count - left
    }

    private func consumeTrailer() throws {
        _ = try fill(4)
        var n = 0
        while n < 4, start < buffer.count, buffer[start] == 0x0D || buffer[start] == 0x0A { start += 1; n += 1 }
    }

    /// Drops the consumed bytes from the buffer. Only between records (and while skipping),
    /// as it moves the indices of the bytes kept.
    private func compact() {
        guard start > 0 else { return }
        bufferOffset += Int64(start)
        buffer.removeSubrange(0..<start)
        start = 0
    }

    /// Makes `count` unconsumed bytes available; false if the stream ends first. Indices into
    /// the buffer stay valid.
    private func fill(_ count: Int) throws -> Bool {
        if buffer.count - start >= count { return true }
        if sourceEnded { return false }
        // Room for the whole request at once; then reads of one chunk each, as a decompressor
        // may return much less than asked (it stops at the end of each gzip member).
        buffer.reserveCapacity(min(start + count, buffer.count + (64 << 20)))
        let want = 1 << 16
        while buffer.count - start < count, !sourceEnded {
            let old = buffer.count
            var read = 0
            buffer.append(contentsOf: repeatElement(0, count: want))
            try buffer.withUnsafeMutableBytes { raw in
                read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[old...]))
            }
            buffer.removeLast(want - read)
            if read == 0 { sourceEnded = true }
        }
        return buffer.count - start >= count
    }
}
