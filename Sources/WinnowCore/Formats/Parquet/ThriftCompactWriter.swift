/// Encodes Thrift structs in the compact protocol, the encoding of every Parquet footer and page
/// header. Only what those structs use: i16/i32/i64 (zigzag varints), binary/string, bool,
/// lists and nested structs. Fields must be written in increasing id order within a struct,
/// which lets each field header carry its id as a small delta.
public struct ThriftCompactWriter {
    public private(set) var bytes: [UInt8] = []
    /// The last field id of each open struct (the innermost last).
    private var lastFieldIDs: [Int16] = [0]

    /// Compact-protocol type codes.
    enum FieldType: UInt8 {
        case boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8
        case list = 9, set = 10, map = 11, structure = 12
    }

    public init() {}

    public mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(zigzag(Int64(value)))
    }

    public mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(zigzag(value))
    }

    public mutating func i16(_ id: Int16, _ value: Int16) {
        fieldHeader(id, .i16)
        varint(zigzag(Int64(value)))
    }

    public mutating func bool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    public mutating func string(_ id: Int16, _ value: String) {
        fieldHeader(id, .binary)
        let utf8 = Array(value.utf8)
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// A nested struct: `body` writes its fields.
    public mutating func structure(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .structure)
        structBody(body)
    }

    /// A list of i32 (Parquet enums such as encodings).
    public mutating func i32List(_ id: Int16, _ values: [Int32]) {
        fieldHeader(id, .list)
        listHeader(count: values.count, .i32)
        for value in values { varint(zigzag(Int64(value))) }
    }

    public mutating func stringList(_ id: Int16, _ values: [String]) {
        fieldHeader(id, .list)
        listHeader(count: values.count, .binary)
        for value in values {
            let utf8 = Array(value.utf8)
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A list of structs: `body` writes the fields of element `index`.
    public mutating func structList(_ id: Int16, count: Int, _ body: (inout ThriftCompactWriter, Int) -> Void) {
        fieldHeader(id, .list)
        listHeader(count: count, .structure)
        for index in 0..<count { structBody { body(&$0, index) } }
    }

    /// Ends the outermost struct (the one this writer was made for).
    public mutating func finish() -> [UInt8] {
        bytes.append(0)
        return bytes
    }

    private mutating func structBody(_ body: (inout ThriftCompactWriter) -> Void) {
        lastFieldIDs.append(0)
        body(&self)
        lastFieldIDs.removeLast()
        bytes.append(0) // stop field
    }

    private mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = Int(id) - Int(lastFieldIDs[lastFieldIDs.count - 1])
        if delta > 0, delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
    }

    private mutating func listHeader(count: Int, _ type: FieldType) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
    }

    private mutating func varint(_ value: UInt64) {
        ParquetVarint.append(value, to: &bytes)
    }

    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}

/// ULEB128 varints, as Thrift's compact protocol and Parquet's RLE run headers write them.
enum ParquetVarint {
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
