/// A shard file that documents are written to: `.jsonl.zst` (`ShardWriter`) or `.parquet`
/// (`ParquetDocumentWriter`), chosen by the step's `output_format:`. The file appears under its
/// name only when `finish()` returns.
public protocol DocumentShardWriter: AnyObject {
    var path: String { get }
    /// Uncompressed bytes written so far (JSON lines, or Parquet values).
    var bytesWritten: Int64 { get }
    func write(_ doc: Document) throws
    func finish() throws
}

extension ShardWriter: DocumentShardWriter {}

/// The format of the document shards a step writes to `output/` and `rejected/`.
public enum ShardOutputFormat: Sendable, Equatable {
    /// JSON lines in zstd at the pipeline's `compression_level`.
    case jsonl
    case parquet(ParquetDocumentSchema, ParquetWriteOptions)

    /// The file name of a shard whose `.jsonl.zst` name is `jsonlName`.
    public func fileName(_ jsonlName: String) -> String {
        guard case .parquet = self else { return jsonlName }
        let stem = jsonlName.hasSuffix(".jsonl.zst") ? String(jsonlName.dropLast(".jsonl.zst".count)) : jsonlName
        return stem + ".parquet"
    }

    /// The suffix of the shards a step in this format writes, by which a later step finds them.
    public var shardSuffix: String { fileName(".jsonl.zst") }

    /// Opens the shard `directory/fileName(jsonlName)`.
    public func open(directory: String, jsonlName: String, zstdLevel: Int32) throws -> any DocumentShardWriter {
        let path = "\(directory)/\(fileName(jsonlName))"
        switch self {
        case .jsonl: return try ShardWriter(path: path, level: zstdLevel)
        case let .parquet(schema, options): return try ParquetDocumentWriter(path: path, schema: schema, options: options)
        }
    }
}

extension TaskAssignment {
    /// Opens the output shard `jsonlName` (a `.jsonl.zst` name, changed to the step's format).
    public func openOutputShard(_ jsonlName: String) throws -> any DocumentShardWriter {
        try outputFormat.open(directory: outputDirectory, jsonlName: jsonlName, zstdLevel: compressionLevel)
    }
}
