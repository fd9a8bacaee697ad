/// The documents of a Parquet shard: each row becomes a document as `RowMapping` says
/// (datatrove's convention). Only the text, id and metadata columns are decoded.
final class ParquetDocumentSource: DocumentSource {
    let path: String
    private var rows: ParquetRowCursor
    private let text: ParquetSchemaNode
    private let id: ParquetSchemaNode?
    private let metadata: [ParquetSchemaNode]
    private let textKey: String
    private let idPrefix: String
    private(set) var bytesRead: Int64 = 0
    private(set) var recordBytes = 0
    let blankLines = 0

    init(file source: any RandomAccessSource, rows mapping: RowMapping) throws {
        let path = source.path
        self.path = path
        let file = try ParquetFile(file: source)
        let schema = file.schema
        let names = schema.fields.map(\.name).joined(separator: ", ")
        guard let text = schema.field(named: mapping.textKey) else {
            throw WinnowError.invalid("\(path): has no column '\(mapping.textKey)' for the documents' text (its columns: \(names)); set text_key")
        }
        self.text = text
        id = schema.field(named: mapping.idKey)
        if let columns = mapping.columns {
            metadata = try columns.map { name in
                guard let field = schema.field(named: name) else {
                    throw WinnowError.invalid("\(path): has no column '\(name)' named in columns (its columns: \(names))")
                }
                return field
            }
        } else {
            metadata = schema.fields.filter { $0.name != mapping.textKey && $0.name != mapping.idKey }
        }
        textKey = mapping.textKey
        idPrefix = String(path.split(separator: "/").last ?? Substring(path))
        rows = ParquetRowCursor(file: file, fields: [text] + (id.map { [$0] } ?? []) + metadata)
    }

    var fileOffset: Int64 {
        let total = rows.file.metadata.numRows
        return total == 0 ? rows.file.size : Int64(Double(rows.file.size) * Double(rows.rowsRead) / Double(total))
    }

    func next() throws -> ShardRecord? {
        guard try rows.advance() else { return nil }
        let number = Int(rows.rowsRead)
        let (textBytes, textValue, idValue, fields) = try rows.withRow { row -> ([UInt8]?, JSONValue?, JSONValue?, JSONObject) in
            var textBytes: [UInt8]?, textValue: JSONValue?
            if text.isLeaf, text.repetitionLevel == 0, text.physicalType == .byteArray {
                textBytes = try row.readBytes(text)
            } else {
                textValue = try row.read(text)
                if case let .string(s) = textValue { textBytes = Array(s.utf8); textValue = nil }
            }
            let idValue = try id.map { try row.read($0) }
            var fields = JSONObject()
            for field in metadata {
                let value = try row.read(field)
                guard field.name == "metadata" else { fields[field.name] = value; continue }
                // datatrove's convention, and what Winnow's Parquet writer stores: a `metadata`
                // column (JSON text or a struct) holds members of the document's metadata; a
                // column of the same name as one of them wins.
                switch Self.metadataMembers(value) {
                case let .some(nested): for member in nested where fields[member.key] == nil { fields[member.key] = member.value }
                case .none where value == .null: break
                case .none: fields[field.name] = value
                }
            }
            return (textBytes, textValue, idValue, fields)
        }
        recordBytes = rows.assembler.valueBytes
        bytesRead += Int64(recordBytes)
        let documentID: String
        switch idValue {
        case nil, .null?: documentID = "\(idPrefix)/\(number - 1)"
        case let .string(s)?: documentID = s
        case let value?: documentID = value.displayText
        }
        guard let textBytes else {
            let reason = textValue == nil || textValue == .null ? "\"\(textKey)\" is null" : "\"\(textKey)\" is not a string"
            return invalid(reason, number: number, id: documentID, text: textValue ?? .null, fields: fields)
        }
        if let bad = textBytes.withUnsafeBytes({ UTF8Validation.firstInvalidOffset($0) }) {
            return invalid("invalid UTF-8", number: number, id: documentID, text: .string(Base64.encode(textBytes)), fields: fields, offset: bad)
        }
        let doc = Document(id: documentID, text: textBytes, metadata: fields, original: [], layout: [.id, .text, .metadata], edited: true)
        return .document(doc, lineNumber: number)
    }

    /// The members a `metadata` column's value holds: an object, or JSON text of one.
    private static func metadataMembers(_ value: JSONValue) -> JSONObject? {
        switch value {
        case let .object(members): return members
        case let .string(text): if case let .object(members)? = try? JSONValue.parse(text) { return members } else { return nil }
        default: return nil
        }
    }

    /// A row that is not a document, as the JSON line `rejected/` keeps.
    private func invalid(_ reason: String, number: Int, id: String, text: JSONValue, fields: JSONObject, offset: Int = 0) -> ShardRecord {
        var row = JSONObject()
        row["id"] = .string(id)
        row[textKey] = text
        row["metadata"] = .object(fields)
        var line: [UInt8] = []
        JSONWriter.append(.object(row), to: &line)
        return .invalid(InvalidLine(path: path, lineNumber: number, byteOffset: 0, reason: reason, offsetInLine: offset, bytes: line))
    }
}
