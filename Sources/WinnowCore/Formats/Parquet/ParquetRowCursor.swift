/// Walks a Parquet file's rows one row group at a time, decoding only the columns below
/// `fields`: memory is one row group of those columns.
struct ParquetRowCursor {
    let file: ParquetFile
    let fields: [ParquetSchemaNode]
    private let leaves: [ParquetSchemaNode]
    private(set) var assembler: ParquetRowAssembler
    private var group = -1
    private var rowInGroup: Int64 = 0
    private var rowsInGroup: Int64 = 0
    /// Rows returned so far in the file.
    private(set) var rowsRead: Int64 = 0

    init(file: ParquetFile, fields: [ParquetSchemaNode]) {
        self.file = file
        self.fields = fields
        leaves = file.leaves(of: fields)
        assembler = ParquetRowAssembler(leafCount: file.schema.leaves.count)
    }

    /// Moves to the next row, loading the next row group when this one is done; false at the end.
    mutating func advance() throws -> Bool {
        if group >= 0, rowInGroup > 0 { try finishRow() }
        while rowInGroup == rowsInGroup {
            assembler.clear()
            group += 1
            guard group < file.metadata.rowGroups.count else { return false }
            rowInGroup = 0
            rowsInGroup = file.metadata.rowGroups[group].numRows
            for leaf in leaves {
                assembler.set(try ParquetColumnReader(file: file, rowGroup: group, leaf: leaf).read(), for: leaf.leafIndex)
            }
        }
        rowInGroup += 1
        rowsRead += 1
        assembler.valueBytes = 0
        return true
    }

    private func finishRow() throws {
        do {
            try assembler.checkRowEnd(fields)
        } catch let failure as ParquetFailure {
            throw failureHere(failure)
        }
    }

    /// Runs `body` on the assembler for the current row, naming the row group and row in errors.
    mutating func withRow<T>(_ body: (inout ParquetRowAssembler) throws -> T) throws -> T {
        do {
            return try body(&assembler)
        } catch let failure as ParquetFailure {
            throw failureHere(failure)
        }
    }

    private func failureHere(_ failure: ParquetFailure) -> WinnowError {
        .corruptStream(path: file.path, offset: 0, detail: "row group \(group), row \(rowInGroup - 1): \(failure)")
    }

    /// The current row with every field in `fields`, as a JSON object.
    mutating func rowObject() throws -> JSONObject {
        let fields = fields
        return try withRow { assembler in
            var row = JSONObject()
            for field in fields { row[field.name] = try assembler.read(field) }
            return row
        }
    }
}
