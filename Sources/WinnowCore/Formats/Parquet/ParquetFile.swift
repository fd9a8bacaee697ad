/// An open Parquet file: its footer, decoded and checked, and the means to read one column
/// chunk at a time (memory is what one row group's chosen columns take).
final class ParquetFile {
    let path: String
    private let file: any RandomAccessSource
    let size: Int64
    let metadata: ParquetFileMetaData
    let schema: ParquetSchema
    /// Where the footer starts: column chunks must end before it.
    let footerOffset: Int64

    convenience init(path: String) throws {
        try self.init(file: try openRandomAccess(path: path))
    }

    init(file: any RandomAccessSource) throws {
        path = file.path
        self.file = file
        size = file.size
        guard size >= 12 else {
            throw WinnowError.corruptStream(path: path, offset: size, detail: "is \(size) bytes, too short for a Parquet file (truncated?)")
        }
        guard try file.peek(count: 4) == ShardFormat.parquetMagic else {
            throw WinnowError.corruptStream(path: path, offset: 0, detail: "does not start with the Parquet magic PAR1")
        }
        let tail = try file.peek(count: 8, at: size - 8)
        if tail[4..<8].elementsEqual("PARE".utf8) {
            throw WinnowError.invalid("\(path): is an encrypted Parquet file (footer magic PARE); Winnow does not read encrypted Parquet")
        }
        guard tail[4..<8].elementsEqual("PAR1".utf8) else {
            throw WinnowError.corruptStream(path: path, offset: size - 4, detail: "does not end with the Parquet magic PAR1 (truncated?)")
        }
        let footerLength = Int64(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength > 0, footerLength <= size - 12 else {
            throw WinnowError.corruptStream(path: path, offset: size - 8,
                                            detail: "the footer length \(footerLength) does not fit the file's \(size) bytes (corrupt or truncated footer)")
        }
        footerOffset = size - 8 - footerLength
        let footer = try file.peek(count: Int(footerLength), at: footerOffset)
        let footerStart = footerOffset
        do {
            metadata = try footer.withUnsafeBytes { bytes in
                var reader = ThriftCompactReader(bytes)
                return try ParquetFileMetaData(thrift: &reader)
            }
        } catch let failure as ThriftCompactReader.Failure {
            throw WinnowError.corruptStream(path: path, offset: footerStart + Int64(failure.offset),
                                            detail: "corrupt Parquet footer: \(failure.message)")
        }
        if metadata.encrypted {
            throw WinnowError.invalid("\(path): is a Parquet file with encrypted columns; Winnow does not read encrypted Parquet")
        }
        do {
            schema = try ParquetSchema(elements: metadata.schema)
        } catch let failure as ParquetFailure {
            throw WinnowError.corruptStream(path: path, offset: footerStart, detail: "corrupt Parquet schema: \(failure)")
        }
        var rows: Int64 = 0
        for (index, group) in metadata.rowGroups.enumerated() {
            guard group.columns.count == schema.leaves.count else {
                throw WinnowError.corruptStream(path: path, offset: footerStart,
                                                detail: "row group \(index) has \(group.columns.count) column chunks but the schema has \(schema.leaves.count) columns")
            }
            guard group.numRows >= 0 else {
                throw WinnowError.corruptStream(path: path, offset: footerStart, detail: "row group \(index) has \(group.numRows) rows")
            }
            let (sum, overflow) = rows.addingReportingOverflow(group.numRows)
            guard !overflow else { throw WinnowError.corruptStream(path: path, offset: footerStart, detail: "the row groups' row counts overflow") }
            rows = sum
        }
        guard rows == metadata.numRows else {
            throw WinnowError.corruptStream(path: path, offset: footerStart,
                                            detail: "the row groups hold \(rows) rows but the footer says \(metadata.numRows)")
        }
    }

    /// `count` bytes at `offset`, which must lie between the magic and the footer.
    func read(offset: Int64, count: Int64) throws -> [UInt8] {
        guard offset >= 4, count >= 0, count <= footerOffset - offset else {
            throw ParquetFailure("the column chunk at byte \(offset) of \(count) bytes lies outside the file's data (\(footerOffset) bytes before the footer)")
        }
        let bytes = try file.peek(count: Int(count), at: offset)
        guard bytes.count == Int(count) else { throw ParquetFailure("the file ends before the column chunk at byte \(offset)") }
        return bytes
    }

    /// The leaf columns of `fields` and their descendants, in column order.
    func leaves(of fields: [ParquetSchemaNode]) -> [ParquetSchemaNode] {
        var wanted = Set<Int>()
        for field in fields { wanted.formUnion(field.leaves) }
        return schema.leaves.filter { wanted.contains($0.leafIndex) }
    }
}
