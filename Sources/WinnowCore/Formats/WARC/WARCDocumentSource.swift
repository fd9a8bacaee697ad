/// The documents of a WARC file (plain, gzip with one member per record or one for the whole
/// file, or zstd): each HTML `response` record becomes a document whose text is the page as
/// UTF-8 HTML, for the `extract` stage to turn into text; each WET `conversion` record becomes a
/// document whose text is the record's text. Metadata follows datatrove's WARC reader, which
/// FineWeb runs: `url`, `date`, and `dump` (the Common Crawl snapshot named in the path) and
/// `file_path`.
///
/// Other records (warcinfo, request, metadata, revisit, non-HTML responses) are not documents:
/// they are counted by kind and content type in `skippedRecords`. Damaged and truncated records
/// are returned as invalid records, which the read loop writes to `rejected/` with the reason.
final class WARCDocumentSource: DocumentSource {
    let path: String
    private let records: WARCRecordReader
    private let gzip: GzipSource?
    private let maxRecordBytes: Int
    private let dump: String?
    private var number = 0
    private(set) var bytesRead: Int64 = 0
    private(set) var recordBytes = 0
    let blankLines = 0
    private(set) var skippedRecords: [String: Int] = [:]
    private(set) var replacedBytes = 0

    /// `maxRecordBytes` (the step's `max_doc_bytes`, 0 for none) bounds the memory a record
    /// may take: a longer record is read past and rejected, never held.
    init(path: String, maxRecordBytes: Int) throws {
        self.path = path
        let file = try FileSource(path: path)
        let source: any ByteSource
        switch ShardCompression(magic: try file.peek(count: 4)) {
        case .none: source = file; gzip = nil
        case .zstd: source = try ZstdSource(file: file); gzip = nil
        case .gzip:
            let g = try GzipSource(file: file, skipsDamagedMembers: true)
            source = g
            gzip = g
        }
        self.maxRecordBytes = maxRecordBytes
        records = WARCRecordReader(source: source, maxBlockBytes: maxRecordBytes, damageOffsets: { [weak gzip] in gzip?.damageOffsets ?? [] })
        dump = Self.crawlName(in: path)
    }

    var fileOffset: Int64 { records.fileOffset }

    func next() throws -> ShardRecord? {
        while let framed = try records.next() {
            number += 1
            switch framed {
            case let .damaged(reason, offset, bytes):
                recordBytes = bytes.count
                bytesRead += Int64(bytes.count)
                return invalid(reason, offset: offset, bytes: bytes)
            case let .oversized(headers, length, offset):
                recordBytes = length
                bytesRead += Int64(length)
                return invalid("record over max_doc_bytes", offset: offset,
                               bytes: Array(headers.text.utf8))
            case let .record(headers, block, offset):
                recordBytes = block.count
                bytesRead += Int64(block.count)
                if let record = try document(headers: headers, block: block, offset: offset) { return record }
            }
        }
        return nil
    }

    /// The document a record holds, an invalid record, or nil for a record that is not a
    /// document (counted in `skippedRecords`).
    private func document(headers: WARCHeaders, block: ArraySlice<UInt8>, offset: Int64) throws -> ShardRecord? {
        let kind = headers["warc-type"]?.lowercased() ?? "(no WARC-Type)"
        switch kind {
        case "response":
            if let truncated = headers["warc-truncated"] {
                return invalid("truncated record (WARC-Truncated: \(truncated))", offset: offset, bytes: Array(block))
            }
            let payload: HTTPPayload
            do { payload = try HTTPPayload(block: block, limit: maxRecordBytes) } catch let failure as HTTPPayload.Failure {
                return invalid(failure.reason, offset: offset, bytes: Array(block))
            }
            let contentType = payload.headers["content-type"] ?? ""
            let mime = Self.mimeType(contentType)
            guard Self.isHTML(mime: mime, body: payload.body) else {
                skippedRecords["WARC response \(mime.isEmpty ? "(no Content-Type)" : mime)", default: 0] += 1
                return nil
            }
            let decoded = CharsetDecoder.decode(payload.body[...], declared: CharsetDecoder.charset(inContentType: contentType))
            return makeDocument(headers: headers, text: decoded)
        case "conversion":
            let declared = headers["content-type"].flatMap { CharsetDecoder.charset(inContentType: $0) }
            return makeDocument(headers: headers, text: CharsetDecoder.decode(block, declared: declared ?? "utf-8"))
        case "resource" where Self.isHTML(mime: Self.mimeType(headers["content-type"] ?? ""), body: Array(block.prefix(512))):
            return makeDocument(headers: headers, text: CharsetDecoder.decode(block, declared: nil))
        default:
            skippedRecords["WARC \(kind) record", default: 0] += 1
            return nil
        }
    }

    private func makeDocument(headers: WARCHeaders, text decoded: CharsetDecoder.Decoded) -> ShardRecord {
        replacedBytes += decoded.replacedBytes
        var metadata = JSONObject()
        if let url = headers["warc-target-uri"] { metadata["url"] = .string(url) }
        if let date = headers["warc-date"] { metadata["date"] = .string(date) }
        if let dump { metadata["dump"] = .string(dump) }
        metadata["file_path"] = .string(path)
        let id = headers["warc-record-id"] ?? "\(path)/\(number - 1)"
        let doc = Document(id: id, text: decoded.text, metadata: metadata, original: [], layout: [.id, .text, .metadata], edited: true)
        return .document(doc, lineNumber: number)
    }

    private func invalid(_ reason: String, offset: Int64, bytes: [UInt8]) -> ShardRecord {
        .invalid(InvalidLine(path: path, lineNumber: number, byteOffset: offset, reason: "WARC: \(reason)",
                             offsetInLine: 0, bytes: bytes))
    }

    /// `text/html` from `text/html; charset=utf-8`.
    static func mimeType(_ contentType: String) -> String {
        String(contentType.split(separator: ";", maxSplits: 1).first ?? "").trimming().lowercased()
    }

    /// HTML by its declared type, or, with none declared, by how it starts.
    static func isHTML(mime: String, body: [UInt8]) -> Bool {
        if mime == "text/html" || mime == "application/xhtml+xml" { return true }
        guard mime.isEmpty else { return false }
        let start = String(decoding: body.prefix(512), as: UTF8.self).lowercased()
        return start.contains("<html") || start.contains("<!doctype html")
    }

    /// The Common Crawl snapshot (`CC-MAIN-2024-10`) a path names, as FineWeb's `dump`.
    static func crawlName(in path: String) -> String? {
        let bytes = Array(path.utf8)
        let prefix = Array("CC-MAIN-".utf8)
        var i = 0
        while i + prefix.count + 7 <= bytes.count {
            if bytes[i..<(i + prefix.count)].elementsEqual(prefix) {
                let rest = bytes[(i + prefix.count)..<(i + prefix.count + 7)]
                let digits = rest.enumerated().allSatisfy { k, b in k == 4 ? b == 0x2D : (b >= 0x30 && b <= 0x39) }
                if digits { return String(decoding: bytes[i..<(i + prefix.count + 7)], as: UTF8.self) }
            }
            i += 1
        }
        return nil
    }
}
