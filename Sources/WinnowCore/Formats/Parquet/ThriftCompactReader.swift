/// A reader of Apache Thrift's compact protocol, the encoding of Parquet's footer and page
/// headers. It reads from bytes already in memory and checks every length against what
/// remains, so a damaged footer is an error at a byte offset, never a crash.
struct ThriftCompactReader {
    /// Compact-protocol type codes of a field or list element.
    enum FieldType: UInt8 {
        case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    struct Failure: Error {
        var message: String
        var offset: Int
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    /// Structs and containers open now; bounded so a hostile footer cannot exhaust the stack.
    private var depth = 0
    private static let maxDepth = 64

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    func fail(_ message: String) -> Failure { Failure(message: message, offset: position) }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw fail("ends in the middle of a value") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw fail("a variable-length integer is longer than 10 bytes") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func i64() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func i32() throws -> Int32 {
        let v = try i64()
        guard let narrow = Int32(exactly: v) else { throw fail("a 32-bit field holds \(v)") }
        return narrow
    }

    /// A non-negative 32-bit count or size.
    mutating func count(_ what: String) throws -> Int {
        let v = try i32()
        guard v >= 0 else { throw fail("\(what) is negative (\(v))") }
        return Int(v)
    }

    mutating func binary() throws -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length <= UInt64(bytes.count - position) else {
            throw fail("a \(length)-byte string runs past the end (\(bytes.count - position) bytes remain)")
        }
        defer { position += Int(length) }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + Int(length)])
    }

    mutating func string() throws -> String { String(decoding: try binary(), as: UTF8.self) }

    func bool(_ type: FieldType) -> Bool { type == .boolTrue }

    /// Calls `field` for each field of a struct with its id and type; the callee reads the value
    /// or calls `skip`. Reads the struct's stop byte.
    mutating func readStruct(_ field: (inout ThriftCompactReader, Int16, FieldType) throws -> Void) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw fail("structures nested more than \(Self.maxDepth) deep") }
        var lastID: Int16 = 0
        while true {
            let header = try byte()
            guard let type = FieldType(rawValue: header & 0x0F) else { throw fail("unknown field type \(header & 0x0F)") }
            if type == .stop { return }
            let delta = Int16(header >> 4)
            let id: Int16
            if delta != 0 {
                id = lastID &+ delta
            } else {
                let raw = try i64()
                guard let narrow = Int16(exactly: raw) else { throw fail("field id \(raw) out of range") }
                id = narrow
            }
            lastID = id
            try field(&self, id, type)
        }
    }

    /// Reads a list header: the element type and count, the count checked against the bytes
    /// left (every element takes at least one byte, except booleans packed in the header).
    mutating func listHeader() throws -> (FieldType, Int) {
        let header = try byte()
        guard let type = FieldType(rawValue: header & 0x0F) else { throw fail("unknown list element type \(header & 0x0F)") }
        var size = UInt64(header >> 4)
        if size == 15 { size = try varint() }
        guard size <= UInt64(bytes.count - position) else {
            throw fail("a list of \(size) elements is longer than the \(bytes.count - position) bytes left")
        }
        return (type, Int(size))
    }

    mutating func list<T>(_ element: (inout ThriftCompactReader, FieldType) throws -> T) throws -> [T] {
        let (type, size) = try listHeader()
        var out: [T] = []
        out.reserveCapacity(size)
        for _ in 0..<size { out.append(try element(&self, type)) }
        return out
    }

    mutating func skip(_ type: FieldType) throws {
        switch type {
        case .stop, .boolTrue, .boolFalse: return
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double:
            guard bytes.count - position >= 8 else { throw fail("a double runs past the end") }
            position += 8
        case .binary: _ = try binary()
        case .list, .set:
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw fail("containers nested more than \(Self.maxDepth) deep") }
            let (element, size) = try listHeader()
            for _ in 0..<size {
                if element == .boolTrue || element == .boolFalse { _ = try byte() } else { try skip(element) }
            }
        case .map:
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw fail("containers nested more than \(Self.maxDepth) deep") }
            let size = try varint()
            guard size <= UInt64(bytes.count - position) else { throw fail("a map of \(size) entries runs past the end") }
            if size == 0 { return }
            let types = try byte()
            guard let key = FieldType(rawValue: types >> 4), let value = FieldType(rawValue: types & 0x0F) else {
                throw fail("unknown map element types")
            }
            for _ in 0..<size {
                if key == .boolTrue || key == .boolFalse { _ = try byte() } else { try skip(key) }
                if value == .boolTrue || value == .boolFalse { _ = try byte() } else { try skip(value) }
            }
        case .structure:
            try readStruct { reader, _, type in try reader.skip(type) }
        }
    }
}
