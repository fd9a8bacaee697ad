import CZlib

/// The body of an HTTP response as a WARC `response` record stores it: status line and headers,
/// then the body as it went over the wire, possibly chunked and compressed. Common Crawl removes
/// both codings before writing, but other crawlers (wget, warcio's capture) do not.
struct HTTPPayload {
    var headers: WARCHeaders
    var body: [UInt8]

    /// Why a response's body could not be recovered, for `rejected/`.
    struct Failure: Error { var reason: String }

    /// Splits `block` into headers and body and undoes chunked transfer coding and gzip or
    /// deflate content coding; the body never grows past `limit` bytes (0: no limit).
    init(block: ArraySlice<UInt8>, limit: Int) throws {
        var i = block.startIndex
        var headerEnd: (Int, Int)?
        while i + 1 < block.endIndex {
            if block[i] == 0x0A {
                if block[i + 1] == 0x0A { headerEnd = (i + 1, i + 2); break }
                if block[i + 1] == 0x0D, i + 2 < block.endIndex, block[i + 2] == 0x0A { headerEnd = (i + 1, i + 3); break }
            }
            i += 1
        }
        guard let (fieldsEnd, bodyStart) = headerEnd else {
            throw Failure(reason: "HTTP header does not end")
        }
        headers = WARCHeaders(parsing: block[block.startIndex..<fieldsEnd])
        guard headers.startLine.hasPrefix("HTTP/") else { throw Failure(reason: "response block is not an HTTP response") }
        var body = Array(block[bodyStart...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try Self.dechunk(body)
        }
        switch headers["content-encoding"]?.lowercased() {
        case "gzip"?, "x-gzip"?, "deflate"?:
            body = try Self.inflate(body, limit: limit)
        case nil, ""?, "identity"?:
            break
        case let other?:
            throw Failure(reason: "unsupported Content-Encoding \(other)")
        }
        self.body = body
    }

    /// The HTTP status code, or nil if the status line has none.
    var status: Int? {
        let parts = headers.startLine.split(separator: " ")
        return parts.count > 1 ? Int(parts[1]) : nil
    }

    /// Joins the chunks of a chunked body: hex size line, data, CRLF, until a zero size.
    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard let lineEnd = bytes[i...].firstIndex(of: 0x0A) else { throw Failure(reason: "chunked body: size line does not end") }
            var size = 0
            var digits = 0
            for b in bytes[i..<lineEnd] {
                let v: Int
                switch b {
                case 0x30...0x39: v = Int(b - 0x30)
                case 0x61...0x66: v = Int(b - 0x61 + 10)
                case 0x41...0x46: v = Int(b - 0x41 + 10)
                default: v = -1
                }
                if v < 0 { break }
                guard digits < 15 else { throw Failure(reason: "chunked body: chunk size too large") }
                size = size * 16 + v
                digits += 1
            }
            guard digits > 0 else { throw Failure(reason: "chunked body: bad chunk size") }
            i = lineEnd + 1
            if size == 0 { return out }
            guard size <= bytes.count - i else { throw Failure(reason: "chunked body: chunk runs past the record") }
            out += bytes[i..<(i + size)]
            i += size
            if i < bytes.count, bytes[i] == 0x0D { i += 1 }
            if i < bytes.count, bytes[i] == 0x0A { i += 1 }
        }
        return out
    }

    /// Gzip, zlib or raw deflate data, decompressed to at most `limit` bytes (0: no limit).
    static func inflate(_ bytes: [UInt8], limit: Int) throws -> [UInt8] {
        if bytes.isEmpty { return [] }
        // 15 + 32 reads gzip and zlib headers; servers that send "deflate" sometimes send it raw.
        if let out = try? inflate(bytes, windowBits: 15 + 32, limit: limit) { return out }
        return try inflate(bytes, windowBits: -15, limit: limit)
    }

    private static func inflate(_ bytes: [UInt8], windowBits: Int32, limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "cannot start decompression")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: max(4096, min(bytes.count * 4, limit > 0 ? limit : Int.max)))
        var produced = 0
        return try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!)
            stream.avail_in = UInt32(truncatingIfNeeded: input.count)
            while true {
                if produced == out.count {
                    if limit > 0, out.count >= limit { throw Failure(reason: "compressed body inflates past max_doc_bytes") }
                    out += [UInt8](repeating: 0, count: limit > 0 ? min(out.count, limit - out.count) : out.count)
                }
                let status = out.withUnsafeMutableBufferPointer { o -> Int32 in
                    stream.next_out = o.baseAddress! + produced
                    stream.avail_out = UInt32(truncatingIfNeeded: min(o.count - produced, Int(UInt32.max)))
                    let before = stream.avail_out
                    let s = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                    return s
                }
                switch status {
                case Z_STREAM_END:
                    out.removeLast(out.count - produced)
                    return out
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    // The body was cut short: keep what decompressed.
                    out.removeLast(out.count - produced)
                    return out
                case Z_BUF_ERROR:
                    continue
                default:
                    throw Failure(reason: "compressed body is damaged")
                }
            }
        }
    }
}
