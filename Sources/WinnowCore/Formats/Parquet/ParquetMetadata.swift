/// The parts of Parquet's Thrift footer and page headers that reading needs (parquet.thrift),
/// decoded with `ThriftCompactReader`. Unknown fields are skipped, as Thrift intends.

enum ParquetPhysicalType: Int32, Sendable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

    var name: String {
        ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"][Int(rawValue)]
    }
}

enum ParquetRepetition: Int32, Sendable {
    case required = 0, optional = 1, repeated = 2
}

enum ParquetTimeUnit: Sendable, Equatable {
    case millis, micros, nanos
}

/// A logical type (the LogicalType union, or the legacy ConvertedType it replaced).
enum ParquetLogicalType: Sendable, Equatable {
    case string, map, list, enumeration, json, bson, uuid, float16, unknown, interval
    case decimal(scale: Int, precision: Int)
    case date
    case time(ParquetTimeUnit, utc: Bool)
    case timestamp(ParquetTimeUnit, utc: Bool)
    case integer(bits: Int, signed: Bool)
    /// A type this reader does not know (a newer union member): the physical value is shown.
    case other(Int16)
}

struct ParquetSchemaElement: Sendable {
    var type: ParquetPhysicalType?
    var typeLength = 0
    var repetition: ParquetRepetition?
    var name = ""
    var numChildren = 0
    var logicalType: ParquetLogicalType?
    var convertedType: Int32?
    var scale = 0
    var precision = 0
}

struct ParquetColumnMetaData: Sendable {
    var type: ParquetPhysicalType = .boolean
    var encodings: [Int32] = []
    var path: [String] = []
    var codec: Int32 = 0
    var numValues: Int64 = 0
    var totalUncompressedSize: Int64 = 0
    var totalCompressedSize: Int64 = 0
    var dataPageOffset: Int64 = 0
    var dictionaryPageOffset: Int64?
}

struct ParquetColumnChunk: Sendable {
    var filePath: String?
    var metaData: ParquetColumnMetaData?
    var encrypted = false
}

struct ParquetRowGroup: Sendable {
    var columns: [ParquetColumnChunk] = []
    var totalByteSize: Int64 = 0
    var numRows: Int64 = 0
}

struct ParquetFileMetaData: Sendable {
    var version: Int32 = 0
    var schema: [ParquetSchemaElement] = []
    var numRows: Int64 = 0
    var rowGroups: [ParquetRowGroup] = []
    var keyValues: [(String, String?)] = []
    var createdBy: String?
    var encrypted = false
}

enum ParquetPageType: Int32 {
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}

struct ParquetPageHeader {
    var type: Int32 = -1
    var uncompressedSize = 0
    var compressedSize = 0
    var crc: UInt32?
    /// Values (levels, for data pages) in the page.
    var numValues = 0
    var encoding: Int32 = 0
    var definitionLevelEncoding: Int32 = 3
    var repetitionLevelEncoding: Int32 = 3
    // Data page v2 only.
    var numNulls = 0
    var numRows = 0
    var definitionLevelsLength = 0
    var repetitionLevelsLength = 0
    var isCompressed = true
}

extension ParquetFileMetaData {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var sawSchema = false
        try r.readStruct { r, id, type in
            switch (id, type) {
            case (1, .i32): version = try r.i32()
            case (2, .list):
                sawSchema = true
                schema = try r.list { r, _ in try ParquetSchemaElement(thrift: &r) }
            case (3, .i64): numRows = try r.i64()
            case (4, .list): rowGroups = try r.list { r, _ in try ParquetRowGroup(thrift: &r) }
            case (5, .list):
                keyValues = try r.list { r, _ in
                    var key = "", value: String?
                    try r.readStruct { r, id, type in
                        switch (id, type) {
                        case (1, .binary): key = try r.string()
                        case (2, .binary): value = try r.string()
                        default: try r.skip(type)
                        }
                    }
                    return (key, value)
                }
            case (6, .binary): createdBy = try r.string()
            case (8, .structure): encrypted = true; try r.skip(type)
            default: try r.skip(type)
            }
        }
        guard sawSchema, !schema.isEmpty else { throw r.fail("the footer has no schema") }
    }
}

extension ParquetSchemaElement {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch (id, type) {
            case (1, .i32):
                let raw = try r.i32()
                guard let t = ParquetPhysicalType(rawValue: raw) else { throw r.fail("unknown physical type \(raw)") }
                self.type = t
            case (2, .i32): typeLength = Int(try r.i32())
            case (3, .i32):
                let raw = try r.i32()
                guard let rep = ParquetRepetition(rawValue: raw) else { throw r.fail("unknown repetition \(raw)") }
                repetition = rep
            case (4, .binary): name = try r.string()
            case (5, .i32): numChildren = try r.count("num_children")
            case (6, .i32): convertedType = try r.i32()
            case (7, .i32): scale = Int(try r.i32())
            case (8, .i32): precision = Int(try r.i32())
            case (10, .structure): logicalType = try ParquetLogicalType(thrift: &r)
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetLogicalType {
    init(thrift r: inout ThriftCompactReader) throws {
        var result: ParquetLogicalType?
        try r.readStruct { r, id, type in
            guard type == .structure else { try r.skip(type); return }
            switch id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enumeration
            case 5:
                var scale = 0, precision = 0
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, .i32): scale = Int(try r.i32())
                    case (2, .i32): precision = Int(try r.i32())
                    default: try r.skip(type)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
                return
            case 6: result = .date
            case 7, 8:
                var utc = false, unit = ParquetTimeUnit.millis
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, .boolTrue), (1, .boolFalse): utc = r.bool(type)
                    case (2, .structure): unit = try ParquetTimeUnit(thrift: &r)
                    default: try r.skip(type)
                    }
                }
                result = id == 7 ? .time(unit, utc: utc) : .timestamp(unit, utc: utc)
                return
            case 10:
                var bits = 0, signed = true
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, .byte): bits = Int(Int8(bitPattern: try r.byte()))
                    case (2, .boolTrue), (2, .boolFalse): signed = r.bool(type)
                    default: try r.skip(type)
                    }
                }
                result = .integer(bits: bits, signed: signed)
                return
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            default: result = .other(id)
            }
            try r.skip(type)
        }
        guard let result else { throw r.fail("an empty logical type") }
        self = result
    }

    /// The logical type a legacy ConvertedType stands for.
    init?(converted: Int32, scale: Int, precision: Int) {
        switch converted {
        case 0: self = .string
        case 1, 2: self = .map
        case 3: self = .list
        case 4: self = .enumeration
        case 5: self = .decimal(scale: scale, precision: precision)
        case 6: self = .date
        case 7: self = .time(.millis, utc: true)
        case 8: self = .time(.micros, utc: true)
        case 9: self = .timestamp(.millis, utc: true)
        case 10: self = .timestamp(.micros, utc: true)
        case 11...14: self = .integer(bits: 8 << Int(converted - 11), signed: false)
        case 15...18: self = .integer(bits: 8 << Int(converted - 15), signed: true)
        case 19: self = .json
        case 20: self = .bson
        case 21: self = .interval
        default: return nil
        }
    }
}

extension ParquetTimeUnit {
    init(thrift r: inout ThriftCompactReader) throws {
        var unit = ParquetTimeUnit.millis
        try r.readStruct { r, id, type in
            switch id {
            case 2: unit = .micros
            case 3: unit = .nanos
            default: unit = .millis
            }
            try r.skip(type)
        }
        self = unit
    }
}

extension ParquetRowGroup {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch (id, type) {
            case (1, .list): columns = try r.list { r, _ in try ParquetColumnChunk(thrift: &r) }
            case (2, .i64): totalByteSize = try r.i64()
            case (3, .i64): numRows = try r.i64()
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetColumnChunk {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch (id, type) {
            case (1, .binary): filePath = try r.string()
            case (3, .structure): metaData = try ParquetColumnMetaData(thrift: &r)
            case (8, _), (9, _): encrypted = true; try r.skip(type)
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetColumnMetaData {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch (id, type) {
            case (1, .i32):
                let raw = try r.i32()
                guard let t = ParquetPhysicalType(rawValue: raw) else { throw r.fail("unknown physical type \(raw)") }
                self.type = t
            case (2, .list): encodings = try r.list { r, _ in try r.i32() }
            case (3, .list): path = try r.list { r, _ in try r.string() }
            case (4, .i32): codec = try r.i32()
            case (5, .i64): numValues = try r.i64()
            case (6, .i64): totalUncompressedSize = try r.i64()
            case (7, .i64): totalCompressedSize = try r.i64()
            case (9, .i64): dataPageOffset = try r.i64()
            case (11, .i64): dictionaryPageOffset = try r.i64()
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetPageHeader {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch (id, type) {
            case (1, .i32): self.type = try r.i32()
            case (2, .i32): uncompressedSize = try r.count("uncompressed_page_size")
            case (3, .i32): compressedSize = try r.count("compressed_page_size")
            case (4, .i32): crc = UInt32(bitPattern: try r.i32())
            case (5, .structure):
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, .i32): numValues = try r.count("num_values")
                    case (2, .i32): encoding = try r.i32()
                    case (3, .i32): definitionLevelEncoding = try r.i32()
                    case (4, .i32): repetitionLevelEncoding = try r.i32()
                    default: try r.skip(type)
                    }
                }
            case (7, .structure):
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, .i32): numValues = try r.count("num_values")
                    case (2, .i32): encoding = try r.i32()
                    default: try r.skip(type)
                    }
                }
            case (8, .structure):
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, .i32): numValues = try r.count("num_values")
                    case (2, .i32): numNulls = try r.count("num_nulls")
                    case (3, .i32): numRows = try r.count("num_rows")
                    case (4, .i32): encoding = try r.i32()
                    case (5, .i32): definitionLevelsLength = try r.count("definition_levels_byte_length")
                    case (6, .i32): repetitionLevelsLength = try r.count("repetition_levels_byte_length")
                    case (7, .boolTrue), (7, .boolFalse): isCompressed = r.bool(type)
                    default: try r.skip(type)
                    }
                }
            default: try r.skip(type)
            }
        }
    }
}

/// Names of Parquet's enumerations, for `winnow inspect` and messages.
enum ParquetNames {
    static func encoding(_ e: Int32) -> String {
        switch e {
        case 0: "PLAIN"
        case 2: "PLAIN_DICTIONARY"
        case 3: "RLE"
        case 4: "BIT_PACKED"
        case 5: "DELTA_BINARY_PACKED"
        case 6: "DELTA_LENGTH_BYTE_ARRAY"
        case 7: "DELTA_BYTE_ARRAY"
        case 8: "RLE_DICTIONARY"
        case 9: "BYTE_STREAM_SPLIT"
        default: "encoding \(e)"
        }
    }

    static func codec(_ c: Int32) -> String {
        switch c {
        case 0: "UNCOMPRESSED"
        case 1: "SNAPPY"
        case 2: "GZIP"
        case 3: "LZO"
        case 4: "BROTLI"
        case 5: "LZ4"
        case 6: "ZSTD"
        case 7: "LZ4_RAW"
        default: "codec \(c)"
        }
    }
}
