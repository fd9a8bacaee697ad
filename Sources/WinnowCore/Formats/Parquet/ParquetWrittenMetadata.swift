/// What the writer records about a Parquet file as it writes it, and its encoding as the
/// footer's Thrift structs (parquet.thrift: FileMetaData, SchemaElement, RowGroup, ColumnChunk,
/// ColumnMetaData) and page headers (PageHeader, DataPageHeader, DataPageHeaderV2,
/// DictionaryPageHeader).
/// Enum values and field ids are the format's.

/// A leaf column of a flat schema, as the writer lays it out.
public struct ParquetColumnSpec: Sendable, Equatable {
    public enum Physical: Int32, Sendable {
        case boolean = 0, int64 = 2, double = 5, byteArray = 6
    }

    /// The logical annotation of a BYTE_ARRAY column.
    public enum Logical: Sendable {
        case none, string, json
    }

    public var name: String
    public var physical: Physical
    public var logical: Logical
    /// Nullable (OPTIONAL, with definition levels) or REQUIRED.
    public var optional: Bool

    public init(name: String, physical: Physical, logical: Logical = .none, optional: Bool) {
        self.name = name
        self.physical = physical
        self.logical = logical
        self.optional = optional
    }
}

public enum ParquetCodec: Int32, Sendable {
    case uncompressed = 0, snappy = 1, gzip = 2, zstd = 6
}

enum ParquetEncoding: Int32 {
    case plain = 0, rle = 3, rleDictionary = 8
}

/// One column chunk as written: where its pages are and how big they are.
struct WrittenColumnChunk {
    var spec: ParquetColumnSpec
    var codec: ParquetCodec
    var encodings: [ParquetEncoding]
    var numValues: Int64
    var uncompressedSize: Int64
    var compressedSize: Int64
    var dictionaryPageOffset: Int64?
    var dataPageOffset: Int64
}

struct WrittenRowGroup {
    var columns: [WrittenColumnChunk]
    var numRows: Int64
    var fileOffset: Int64
}

enum ParquetFooter {
    /// FileMetaData for `columns` and the row groups written.
    static func encode(columns: [ParquetColumnSpec], rowGroups: [WrittenRowGroup], createdBy: String) -> [UInt8] {
        var w = ThriftCompactWriter()
        w.i32(1, 2) // version
        w.structList(2, count: columns.count + 1) { w, index in
            if index == 0 {
                // The root: a group holding every column.
                w.string(4, "schema")
                w.i32(5, Int32(columns.count))
                return
            }
            schemaElement(columns[index - 1], into: &w)
        }
        w.i64(3, rowGroups.reduce(0) { $0 + $1.numRows })
        w.structList(4, count: rowGroups.count) { w, index in
            rowGroup(rowGroups[index], ordinal: index, into: &w)
        }
        w.string(6, createdBy)
        return w.finish()
    }

    private static func schemaElement(_ column: ParquetColumnSpec, into w: inout ThriftCompactWriter) {
        w.i32(1, column.physical.rawValue)
        w.i32(3, column.optional ? 1 : 0) // OPTIONAL : REQUIRED
        w.string(4, column.name)
        switch column.logical {
        case .none: break
        case .string:
            w.i32(6, 0) // ConvertedType UTF8
            w.structure(10) { $0.structure(1) { _ in } } // LogicalType.STRING
        case .json:
            w.i32(6, 19) // ConvertedType JSON
            w.structure(10) { $0.structure(12) { _ in } } // LogicalType.JSON
        }
    }

    private static func rowGroup(_ group: WrittenRowGroup, ordinal: Int, into w: inout ThriftCompactWriter) {
        w.structList(1, count: group.columns.count) { w, index in
            let chunk = group.columns[index]
            w.i64(2, chunk.dictionaryPageOffset ?? chunk.dataPageOffset) // file_offset: where the chunk starts
            w.structure(3) { columnMetaData(chunk, into: &$0) }
        }
        w.i64(2, group.columns.reduce(0) { $0 + $1.uncompressedSize })
        w.i64(3, group.numRows)
        w.i64(5, group.fileOffset)
        w.i64(6, group.columns.reduce(0) { $0 + $1.compressedSize })
        w.i16(7, Int16(truncatingIfNeeded: ordinal))
    }

    private static func columnMetaData(_ chunk: WrittenColumnChunk, into w: inout ThriftCompactWriter) {
        w.i32(1, chunk.spec.physical.rawValue)
        w.i32List(2, chunk.encodings.map(\.rawValue))
        w.stringList(3, [chunk.spec.name])
        w.i32(4, chunk.codec.rawValue)
        w.i64(5, chunk.numValues)
        w.i64(6, chunk.uncompressedSize)
        w.i64(7, chunk.compressedSize)
        w.i64(9, chunk.dataPageOffset)
        if let dictionary = chunk.dictionaryPageOffset { w.i64(11, dictionary) }
    }
}

/// Page headers (PageHeader with its DataPageHeader or DictionaryPageHeader).
enum WrittenPageHeader {
    static func dataPage(uncompressed: Int, compressed: Int, values: Int, encoding: ParquetEncoding) -> [UInt8] {
        var w = ThriftCompactWriter()
        w.i32(1, 0) // DATA_PAGE
        w.i32(2, Int32(uncompressed))
        w.i32(3, Int32(compressed))
        w.structure(5) { d in
            d.i32(1, Int32(values))
            d.i32(2, encoding.rawValue)
            d.i32(3, ParquetEncoding.rle.rawValue) // definition levels
            d.i32(4, ParquetEncoding.rle.rawValue) // repetition levels
        }
        return w.finish()
    }

    static func dataPageV2(uncompressed: Int, compressed: Int, values: Int, nulls: Int, encoding: ParquetEncoding,
                           levelBytes: Int, isCompressed: Bool) -> [UInt8] {
        var w = ThriftCompactWriter()
        w.i32(1, 3) // DATA_PAGE_V2
        w.i32(2, Int32(uncompressed))
        w.i32(3, Int32(compressed))
        w.structure(8) { d in
            d.i32(1, Int32(values))
            d.i32(2, Int32(nulls))
            d.i32(3, Int32(values)) // rows: flat columns have one value (or null) a row
            d.i32(4, encoding.rawValue)
            d.i32(5, Int32(levelBytes)) // definition levels
            d.i32(6, 0) // repetition levels
            d.bool(7, isCompressed)
        }
        return w.finish()
    }

    static func dictionaryPage(uncompressed: Int, compressed: Int, values: Int) -> [UInt8] {
        var w = ThriftCompactWriter()
        w.i32(1, 2) // DICTIONARY_PAGE
        w.i32(2, Int32(uncompressed))
        w.i32(3, Int32(compressed))
        w.structure(7) { d in
            d.i32(1, Int32(values))
            d.i32(2, ParquetEncoding.plain.rawValue)
        }
        return w.finish()
    }
}
