/// The columns of a step's Parquet shards, the same in every shard of the step whatever its
/// documents hold, so the folder loads as one dataset (HF `datasets` wants one schema):
/// `text` and `id` (strings, required), one nullable column per key declared in the step's
/// `output_columns:` (in the order declared), and `metadata`, a nullable JSON string holding the
/// members that no declared column took (null when there are none). Nested values are JSON
/// strings (the `json` type), not Parquet groups: a group's schema would have to be agreed on
/// across shards too.
public struct ParquetDocumentSchema: Sendable, Equatable {
    public enum ColumnType: String, Sendable, CaseIterable {
        case string, int64, double, boolean, json
    }

    public struct Column: Sendable, Equatable {
        public var key: String
        public var type: ColumnType

        public init(key: String, type: ColumnType) {
            self.key = key
            self.type = type
        }
    }

    /// Names a declared column may not take.
    public static let reservedNames: Set<String> = ["text", "id", "metadata"]

    public var declared: [Column]

    public init(declared: [Column] = []) { self.declared = declared }

    /// The file's columns: text, id, the declared ones, metadata.
    var specs: [ParquetColumnSpec] {
        var specs = [ParquetColumnSpec(name: "text", physical: .byteArray, logical: .string, optional: false),
                     ParquetColumnSpec(name: "id", physical: .byteArray, logical: .string, optional: false)]
        for column in declared {
            switch column.type {
            case .string: specs.append(.init(name: column.key, physical: .byteArray, logical: .string, optional: true))
            case .json: specs.append(.init(name: column.key, physical: .byteArray, logical: .json, optional: true))
            case .int64: specs.append(.init(name: column.key, physical: .int64, optional: true))
            case .double: specs.append(.init(name: column.key, physical: .double, optional: true))
            case .boolean: specs.append(.init(name: column.key, physical: .boolean, optional: true))
            }
        }
        specs.append(ParquetColumnSpec(name: "metadata", physical: .byteArray, logical: .json, optional: true))
        return specs
    }
}

/// Writes documents as rows of a Parquet shard under `ParquetDocumentSchema`. A metadata value
/// goes to its declared column when it fits the column's type (a JSON string to `string`, an
/// integer within 64 bits to `int64`, any number to `double`, true/false to `boolean`, anything
/// to `json`); no such key is a null. A value that does not fit, and a JSON null, is a null
/// in its column and stays in the `metadata` column with the undeclared members, so nothing is
/// lost (not even a null apart from a missing key). Top-level fields other
/// than id, text and metadata (Dolma's `source`, `added`) count as metadata keys, after the
/// `metadata` object's own.
public final class ParquetDocumentWriter: DocumentShardWriter {
    public let path: String
    private let schema: ParquetDocumentSchema
    private let file: ParquetFileWriter
    /// Bytes of the values written (as PLAIN would hold them, uncompressed).
    public private(set) var bytesWritten: Int64 = 0
    private var leftover: [UInt8] = []
    private var taken: [Bool] = []

    public init(path: String, schema: ParquetDocumentSchema, options: ParquetWriteOptions) throws {
        self.path = path
        self.schema = schema
        file = try ParquetFileWriter(path: path, columns: schema.specs, options: options)
    }

    public func write(_ doc: Document) throws {
        var bytes = doc.text.count
        try doc.text.withUnsafeBufferPointer { try file.column(0).append(bytes: $0) }
        var id = doc.id
        bytes += id.utf8.count
        try id.withUTF8 { try file.column(1).append(bytes: $0) }

        let others = doc.otherFields
        taken.removeAll(keepingCapacity: true)
        taken.append(contentsOf: repeatElement(false, count: doc.metadata.count + others.count))
        for (index, column) in schema.declared.enumerated() {
            let writer = file.column(2 + index)
            let value: JSONValue?
            if let member = doc.metadata.members.lastIndex(where: { $0.key == column.key }) {
                value = doc.metadata.members[member].value
            } else if let field = others.lastIndex(where: { $0.key == column.key }) {
                value = try? JSONValue.parse(others[field].json)
            } else {
                value = nil
            }
            if let value, try append(value, as: column.type, to: writer, bytes: &bytes) {
                markTaken(column.key, in: doc, others: others)
            } else if value == nil {
                try writer.appendNull()
            }
        }

        let metadataColumn = file.column(2 + schema.declared.count)
        leftover.removeAll(keepingCapacity: true)
        for (index, member) in doc.metadata.members.enumerated() where !taken[index] {
            leftover.append(leftover.isEmpty ? 0x7B : 0x2C)
            JSONWriter.appendString(member.key, to: &leftover)
            leftover.append(0x3A)
            JSONWriter.append(member.value, to: &leftover)
        }
        for (index, field) in others.enumerated() where !taken[doc.metadata.count + index] {
            leftover.append(leftover.isEmpty ? 0x7B : 0x2C)
            JSONWriter.appendString(field.key, to: &leftover)
            leftover.append(0x3A)
            leftover.append(contentsOf: field.json.utf8)
        }
        if leftover.isEmpty {
            try metadataColumn.appendNull()
        } else {
            leftover.append(0x7D)
            bytes += leftover.count
            try leftover.withUnsafeBufferPointer { try metadataColumn.append(bytes: $0) }
        }
        bytesWritten += Int64(bytes)
        try file.endRow(valueBytes: bytes)
    }

    public func finish() throws { try file.finish() }

    /// Marks every member named `key` as written to its column (a duplicate key's earlier
    /// values are superseded, as when the JSON is read).
    private func markTaken(_ key: String, in doc: Document, others: [(key: String, json: String)]) {
        for (index, member) in doc.metadata.members.enumerated() where member.key == key { taken[index] = true }
        if doc.metadata[key] == nil {
            for (index, field) in others.enumerated() where field.key == key { taken[doc.metadata.count + index] = true }
        }
    }

    /// Appends `value` to a column of `type`, or a null for JSON null; false (and nothing
    /// appended) when the value does not fit the type.
    private func append(_ value: JSONValue, as type: ParquetDocumentSchema.ColumnType, to writer: ParquetColumnWriter,
                        bytes: inout Int) throws -> Bool {
        switch (type, value) {
        case (_, .null):
            return try appendMismatch(writer) // kept in `metadata`, so a null stays apart from a missing key
        case let (.string, .string(text)):
            var text = text
            bytes += text.utf8.count
            try text.withUTF8 { try writer.append(bytes: $0) }
        case let (.int64, .number(literal)):
            guard let number = Int64(literal) else { return try appendMismatch(writer) }
            bytes += 8
            try writer.append(int64: number)
        case let (.double, .number(literal)):
            guard let number = Double(literal) else { return try appendMismatch(writer) }
            bytes += 8
            try writer.append(double: number)
        case let (.boolean, .bool(flag)):
            bytes += 1
            try writer.append(bool: flag)
        case (.json, _):
            var json: [UInt8] = []
            JSONWriter.append(value, to: &json)
            bytes += json.count
            try json.withUnsafeBufferPointer { try writer.append(bytes: $0) }
        default:
            return try appendMismatch(writer)
        }
        return true
    }

    private func appendMismatch(_ writer: ParquetColumnWriter) throws -> Bool {
        try writer.appendNull()
        return false
    }
}
