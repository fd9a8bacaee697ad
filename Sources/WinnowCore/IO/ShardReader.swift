/// A line of a shard that is not a document, with where it was found and its exact bytes.
public struct InvalidLine: Sendable {
    public var path: String
    /// 1-based line number.
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

/// Reads the documents of one `.jsonl`, `.jsonl.zst` or `.jsonl.gz` shard, one at a time.
public final class ShardReader {
    public let path: String
    private let lines: LineReader
    /// The id prefix for documents without one: the shard's file name, as datatrove uses its path.
    private let idPrefix: String
    /// Lines that held only white space, skipped.
    public private(set) var blankLines = 0
    /// Decompressed bytes read so far.
    public private(set) var bytesRead: Int64 = 0

    public init(path: String) throws {
        CrashReport.reading(path)
        self.path = path
        lines = LineReader(source: try openByteSource(path: path))
        idPrefix = String(path.split(separator: "/").last ?? Substring(path))
    }

    /// Compressed bytes consumed from the file so far, for progress against the file's size.
    public var fileOffset: Int64 { lines.fileOffset }

    /// The next document or invalid line; nil at the end of the shard. Throws only when the
    /// shard itself cannot be read (I/O errors, corrupt or truncated compression).
    public func next() throws -> ShardRecord? {
        while true {
            let record: ShardRecord?? = try lines.nextLine { line -> ShardRecord? in
                bytesRead += Int64(line.count) + 1
                let number = lines.lineNumber
                switch DocumentCodec.parse(line: line, fallbackID: { "\(idPrefix)/\(number - 1)" }) {
                case let .document(doc):
                    return .document(doc, lineNumber: number)
                case .blank:
                    blankLines += 1
                    return nil
                case let .invalid(reason, offset):
                    return .invalid(InvalidLine(path: path, lineNumber: number, byteOffset: lines.lineOffset,
                                                reason: reason, offsetInLine: offset, bytes: Array(line)))
                }
            }
            guard let record else { return nil }
            if let record { return record }
        }
    }
}
