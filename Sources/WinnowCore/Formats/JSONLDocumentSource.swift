/// The documents of a `.jsonl` shard, plain or zstd/gzip compressed, one line at a time.
final class JSONLDocumentSource: DocumentSource {
    let path: String
    private let lines: LineReader
    /// The id prefix for documents without one: the shard's file name, as datatrove uses its path.
    private let idPrefix: String
    private(set) var blankLines = 0
    private(set) var bytesRead: Int64 = 0
    private(set) var recordBytes = 0

    /// A UTF-8 byte-order mark, which some editors put at the start of a file; it is skipped so
    /// the first line is read as the document it is.
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    init(file: any RandomAccessSource) throws {
        path = file.path
        lines = LineReader(source: try openByteSource(file))
        idPrefix = String(path.split(separator: "/").last ?? Substring(path))
    }

    var fileOffset: Int64 { lines.fileOffset }

    func next() throws -> ShardRecord? {
        while true {
            let record: ShardRecord?? = try lines.nextLine { whole -> ShardRecord? in
                bytesRead += Int64(whole.count) + 1
                let number = lines.lineNumber
                let line = number == 1 && whole.starts(with: Self.byteOrderMark)
                    ? UnsafeRawBufferPointer(rebasing: whole[3...]) : whole
                recordBytes = line.count
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
