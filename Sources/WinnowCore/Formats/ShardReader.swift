/// A line of a shard that is not a document, with where it was found and its exact bytes.
public struct InvalidLine: Sendable {
    public var path: String
    /// 1-based line number (row number for Parquet).
    public var lineNumber: Int
    /// Byte offset of the line's start in the (decompressed) shard.
    public var byteOffset: Int64
    /// Why the line is not a document (a short phrase, so reasons can be counted).
    public var reason: String
    /// Where in the line the problem was found.
    public var offsetInLine: Int
    public var bytes: [UInt8]
}

/// One record read from a shard.
public enum ShardRecord: Sendable {
    case document(Document, lineNumber: Int)
    case invalid(InvalidLine)
}

/// Reads the documents of one shard, whatever its format (JSONL plain, zstd or gzip; Parquet; WARC),
/// which it recognises by the file's bytes.
public final class ShardReader {
    public let path: String
    public let format: ShardFormat
    private let source: any DocumentSource

    /// `maxRecordBytes` (a step's `max_doc_bytes`) bounds what a WARC record may take in memory.
    public init(path: String, rows: RowMapping = RowMapping(), maxRecordBytes: Int = 0) throws {
        CrashReport.reading(path)
        self.path = path
        let file = try ShardFormat.open(path)
        format = try ShardFormat.detect(file)
        switch format {
        case .jsonl: source = try JSONLDocumentSource(file: file)
        case .parquet: source = try ParquetDocumentSource(file: file, rows: rows)
        case .warc: source = try WARCDocumentSource(path: path, maxRecordBytes: maxRecordBytes)
        }
    }

    /// See `DocumentSource.next()`.
    public func next() throws -> ShardRecord? { try source.next() }
    /// Bytes of the file consumed so far, for progress against the file's size.
    public var fileOffset: Int64 { source.fileOffset }
    /// Uncompressed bytes read so far.
    public var bytesRead: Int64 { source.bytesRead }
    /// See `DocumentSource.recordBytes`.
    public var recordBytes: Int { source.recordBytes }
    /// Lines that held only white space, skipped.
    public var blankLines: Int { source.blankLines }
    /// See `DocumentSource.skippedRecords`.
    public var skippedRecords: [String: Int] { source.skippedRecords }
    /// See `DocumentSource.replacedBytes`.
    public var replacedBytes: Int { source.replacedBytes }
}
