/// What a shard holds, recognised by its bytes rather than its name, so a gzip file named
/// `.zst`, a Parquet file named `.bin` or a JSONL file without a suffix all read as what they are.
public enum ShardFormat: Sendable, Equatable {
    /// JSON lines, plain or behind a compressor.
    case jsonl(ShardCompression)
    /// Apache Parquet: `PAR1` at the start and at the end.
    case parquet
    /// Web ARChive records (WARC or WET), plain or behind a compressor.
    case warc(ShardCompression)

    /// Looks at the first and last bytes of `path`. A directory is never a shard.
    public static func detect(path: String) throws -> ShardFormat {
        try detect(try open(path))
    }

    /// Opens `path` (local or remote) as a shard's bytes; a directory is never a shard.
    static func open(_ path: String) throws -> any RandomAccessSource {
        if isDirectory(path) { throw WinnowError.invalid("\(path): is a directory, not a shard") }
        return try openRandomAccess(path: path)
    }

    /// Looks at the first and last bytes of `file`, which its reader then reads on (a remote
    /// object's first chunk and tail are fetched once).
    static func detect(_ file: any RandomAccessSource) throws -> ShardFormat {
        let path = file.path
        let head = try file.peek(count: 5)
        if head.starts(with: parquetMagic) {
            let size = file.size
            if size >= 12, try file.peek(count: 4, at: size - 4) == parquetMagic { return .parquet }
            throw WinnowError.corruptStream(path: path, offset: size,
                                            detail: "starts like a Parquet file (PAR1) but does not end with PAR1: truncated or not Parquet")
        }
        if head == warcMagic { return .warc(.none) }
        let compression = ShardCompression(magic: head)
        if compression != .none, try decompressedHead(path: path) == warcMagic { return .warc(compression) }
        return .jsonl(compression)
    }

    static let warcMagic: [UInt8] = Array("WARC/".utf8)

    /// The first five bytes behind the compressor: a `.warc.gz` is a WARC file, not JSONL. A
    /// stream too damaged to give them is left for the reader to report.
    private static func decompressedHead(path: String) throws -> [UInt8] {
        var source = try openByteSource(path: path)
        var head = [UInt8](repeating: 0, count: 5)
        var filled = 0
        while filled < 5 {
            let n = (try? head.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }) ?? 0
            if n == 0 { break }
            filled += n
        }
        return Array(head.prefix(filled))
    }

    static let parquetMagic: [UInt8] = Array("PAR1".utf8)
}

/// How rows of a columnar shard (Parquet) become documents, datatrove's convention: `text`
/// from one column, `id` from another (or FILE/ROW when there is none), the other columns, or
/// only those named, into `metadata`.
public struct RowMapping: Sendable, Equatable {
    public var textKey: String
    public var idKey: String
    /// The columns kept in `metadata`; nil keeps every column but text and id.
    public var columns: [String]?

    public init(textKey: String = "text", idKey: String = "id", columns: [String]? = nil) {
        self.textKey = textKey
        self.idKey = idKey
        self.columns = columns
    }
}
