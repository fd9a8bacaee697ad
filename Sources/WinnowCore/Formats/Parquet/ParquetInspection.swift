/// What `winnow inspect` shows of a Parquet file: the schema, the row groups with each
/// column's codec, encodings and sizes, and, on request, every row as a JSON object.
public enum ParquetInspection {
    public static func describe(path: String) throws -> String {
        let file = try ParquetFile(path: path)
        let meta = file.metadata
        var out = "\(path)\n  format: Parquet version \(meta.version)"
        if let createdBy = meta.createdBy { out += ", written by \(createdBy)" }
        out += "\n  rows: \(meta.numRows) in \(meta.rowGroups.count) row group(s); \(file.size) bytes on disk\n  schema:\n"
        func show(_ node: ParquetSchemaNode, indent: String) {
            var line = "\(indent)\(node.name): \(repetitionName(node.repetition)) "
            line += node.physicalType.map { $0 == .fixedLenByteArray ? "FIXED_LEN_BYTE_ARRAY(\(node.typeLength))" : $0.name } ?? "group"
            if let logical = node.logicalType { line += " (\(logicalName(logical)))" }
            line += node.isLeaf ? " [max definition \(node.definitionLevel), repetition \(node.repetitionLevel)]" : ""
            out += line + "\n"
            for child in node.children { show(child, indent: indent + "  ") }
        }
        for field in file.schema.fields { show(field, indent: "    ") }
        for (index, group) in meta.rowGroups.enumerated() {
            out += "  row group \(index): \(group.numRows) rows, \(group.totalByteSize) bytes uncompressed\n"
            for (leaf, chunk) in zip(file.schema.leaves, group.columns) {
                guard let column = chunk.metaData else { out += "    \(leaf.dottedPath): no metadata\n"; continue }
                out += "    \(leaf.dottedPath): \(ParquetNames.codec(column.codec)), "
                out += column.encodings.map(ParquetNames.encoding).joined(separator: "+")
                out += ", \(column.numValues) values, \(column.totalCompressedSize) bytes (\(column.totalUncompressedSize) uncompressed)\n"
            }
        }
        let keys = meta.keyValues.map(\.0)
        if !keys.isEmpty { out += "  key-value metadata: \(keys.joined(separator: ", "))\n" }
        return out
    }

    /// Calls `body` with each row (up to `head` rows when given) as one JSON object holding
    /// every column, under the type mapping of docs/formats/parquet.md.
    public static func rows(path: String, head: Int? = nil, _ body: (JSONObject) throws -> Void) throws {
        let file = try ParquetFile(path: path)
        var cursor = ParquetRowCursor(file: file, fields: file.schema.fields)
        var count = 0
        while head.map({ count < $0 }) ?? true, try cursor.advance() {
            try body(try cursor.rowObject())
            count += 1
        }
    }

    private static func repetitionName(_ r: ParquetRepetition) -> String {
        switch r {
        case .required: "required"
        case .optional: "optional"
        case .repeated: "repeated"
        }
    }

    private static func logicalName(_ t: ParquetLogicalType) -> String {
        switch t {
        case .string: "STRING"
        case .map: "MAP"
        case .list: "LIST"
        case .enumeration: "ENUM"
        case .json: "JSON"
        case .bson: "BSON"
        case .uuid: "UUID"
        case .float16: "FLOAT16"
        case .unknown: "NULL"
        case .interval: "INTERVAL"
        case let .decimal(scale, precision): "DECIMAL(\(precision),\(scale))"
        case .date: "DATE"
        case let .time(unit, utc): "TIME(\(unit), utc: \(utc))"
        case let .timestamp(unit, utc): "TIMESTAMP(\(unit), utc: \(utc))"
        case let .integer(bits, signed): "\(signed ? "INT" : "UINT")(\(bits))"
        case let .other(id): "logical type \(id)"
        }
    }
}
