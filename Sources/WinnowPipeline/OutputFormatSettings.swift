import WinnowCore

/// A step's output settings: `output_format: jsonl | parquet`, and for Parquet `compression`,
/// `row_group_size`, `page_version` and `output_columns` (docs/pipelines.md, "Output format").
enum OutputFormatSettings {
    static let keys: Set<String> = ["output_format", "compression", "row_group_size", "page_version", "output_columns"]

    /// `zstdLevel`: the pipeline's `compression_level`, which Parquet's zstd pages use too.
    static func read(_ settings: SettingsReader, stage: any Stage, stageName: String, zstdLevel: Int32) throws -> ShardOutputFormat {
        let format = try settings.choice("output_format", ["jsonl", "parquet"], default: "jsonl")
        guard format == "parquet" else {
            for key in keys.subtracting(["output_format"]).sorted() where settings.node(key) != nil {
                throw settings.error(key, "applies only to Parquet output (output_format: parquet)")
            }
            return .jsonl
        }
        guard stage.writesDocumentShards else {
            throw settings.error("output_format", "does not apply to the \(stageName) stage, which writes no document shards")
        }
        var options = ParquetWriteOptions(level: zstdLevel)
        switch try settings.choice("compression", ["zstd", "snappy", "gzip", "none"], default: "zstd") {
        case "snappy": options.codec = .snappy
        case "gzip": options.codec = .gzip; options.level = 6
        case "none": options.codec = .uncompressed
        default: options.codec = .zstd
        }
        if let text = try settings.string("row_group_size") {
            if let rows = Int(text.filter { $0 != "_" }) {
                guard rows >= 1 else { throw settings.error("row_group_size", "must be at least 1 row") }
                options.rowGroupSize = .rows(rows)
            } else if let bytes = ByteSize.parse(text), bytes >= 1 << 20 {
                options.rowGroupSize = .bytes(bytes)
            } else {
                throw settings.error("row_group_size", "must be a number of rows (10000) or a size of at least 1MB (128MB), not '\(text)'")
            }
        }
        options.pageVersion = Int(try settings.choice("page_version", ["1", "2"], default: "1"))!
        return .parquet(try columns(settings), options)
    }

    /// `output_columns`: a mapping of metadata key to column type, in column order.
    private static func columns(_ settings: SettingsReader) throws -> ParquetDocumentSchema {
        guard let node = settings.node("output_columns") else { return ParquetDocumentSchema() }
        guard case let .mapping(entries) = node.value else {
            throw settings.error("output_columns", "must map metadata keys to column types, such as 'url: string'")
        }
        let types = ParquetDocumentSchema.ColumnType.allCases.map(\.rawValue)
        var seen: Set<String> = []
        return ParquetDocumentSchema(declared: try entries.map { entry in
            guard !ParquetDocumentSchema.reservedNames.contains(entry.key) else {
                throw settings.error("output_columns", "may not declare '\(entry.key)': text, id and metadata are always columns")
            }
            guard seen.insert(entry.key).inserted else { throw settings.error("output_columns", "declares '\(entry.key)' twice") }
            guard let name = entry.value.scalar, let type = ParquetDocumentSchema.ColumnType(rawValue: name) else {
                throw settings.error("output_columns", "gives '\(entry.key)' the type '\(entry.value.scalar ?? "?")'; types are \(types.joined(separator: ", "))")
            }
            return ParquetDocumentSchema.Column(key: entry.key, type: type)
        })
    }
}
