import WinnowCore

/// Reads the protobuf wire format field by field, for the one message we need (sentencepiece's
/// `ModelProto`): a small reader of our own instead of a protobuf dependency and generated code.
/// Every error names the file and the byte offset where the bytes stop making sense.
struct ProtobufReader {
    /// One field's key: its number and how its value is encoded.
    struct Field {
        var number: Int
        var wireType: UInt64
        /// Where the key starts, for errors.
        var offset: Int
    }

    static let varint: UInt64 = 0, fixed64: UInt64 = 1, lengthDelimited: UInt64 = 2, fixed32: UInt64 = 5

    let bytes: [UInt8]
    let path: String
    /// What is being read (`ModelProto.pieces[3]`), for errors.
    let context: String
    private(set) var position: Int
    let end: Int

    init(bytes: [UInt8], path: String, context: String) {
        self.init(bytes: bytes, path: path, context: context, range: 0..<bytes.count)
    }

    private init(bytes: [UInt8], path: String, context: String, range: Range<Int>) {
        self.bytes = bytes
        self.path = path
        self.context = context
        position = range.lowerBound
        end = range.upperBound
    }

    func error(_ detail: String, at offset: Int) -> WinnowError {
        .config(path: path, line: nil, detail: "not a sentencepiece model: \(context): \(detail) at byte offset \(offset)")
    }

    /// The next field's key, or nil at the end of the message.
    mutating func next() throws -> Field? {
        guard position < end else { return nil }
        let offset = position
        let key = try readVarint()
        let number = key >> 3, wireType = key & 7
        guard number > 0, number < 1 << 29 else { throw error("field number \(number) is out of range", at: offset) }
        guard [Self.varint, Self.fixed64, Self.lengthDelimited, Self.fixed32].contains(wireType) else {
            throw error("field \(number) has wire type \(wireType), which is not one this reader knows (0, 1, 2, 5)", at: offset)
        }
        return Field(number: Int(number), wireType: wireType, offset: offset)
    }

    /// Skips a field this reader does not use (protobuf readers ignore unknown fields).
    mutating func skip(_ field: Field) throws {
        switch field.wireType {
        case Self.varint: _ = try readVarint()
        case Self.fixed64: try advance(8, field)
        case Self.fixed32: try advance(4, field)
        default: _ = try readLength(field)
        }
    }

    /// A field's value as it is on the wire, for messages kept whole.
    mutating func value(_ field: Field) throws -> ProtobufValue {
        switch field.wireType {
        case Self.varint: return .varint(try readVarint())
        case Self.fixed32:
            let start = position
            try advance(4, field)
            return .fixed32(UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24)
        case Self.fixed64:
            let start = position
            try advance(8, field)
            var value: UInt64 = 0
            for k in 0..<8 { value |= UInt64(bytes[start + k]) << (8 * UInt64(k)) }
            return .fixed64(value)
        default: return .bytes(try bytes(field))
        }
    }

    mutating func uint64(_ field: Field) throws -> UInt64 {
        try expect(field, Self.varint)
        return try readVarint()
    }

    mutating func bool(_ field: Field) throws -> Bool { try uint64(field) != 0 }

    mutating func float(_ field: Field) throws -> Float {
        try expect(field, Self.fixed32)
        let start = position
        try advance(4, field)
        let raw = UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24
        return Float(bitPattern: raw)
    }

    /// A `string` or `bytes` field.
    mutating func bytes(_ field: Field) throws -> [UInt8] {
        Array(bytes[try readLength(field)])
    }

    /// An embedded message, read by a reader of its own.
    mutating func message(_ field: Field, context: String) throws -> ProtobufReader {
        ProtobufReader(bytes: bytes, path: path, context: context, range: try readLength(field))
    }

    private func expect(_ field: Field, _ wireType: UInt64) throws {
        guard field.wireType == wireType else {
            throw error("field \(field.number) has wire type \(field.wireType), expected \(wireType)", at: field.offset)
        }
    }

    private mutating func advance(_ count: Int, _ field: Field) throws {
        guard end - position >= count else {
            throw error("field \(field.number) needs \(count) bytes, the message ends after \(end - position)", at: position)
        }
        position += count
    }

    private mutating func readLength(_ field: Field) throws -> Range<Int> {
        try expect(field, Self.lengthDelimited)
        let lengthOffset = position
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw error("field \(field.number) is \(length) bytes long, the message ends after \(end - position)", at: lengthOffset)
        }
        let start = position
        position += Int(length)
        return start..<position
    }

    private mutating func readVarint() throws -> UInt64 {
        let start = position
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error("a varint is cut short", at: start) }
            guard shift < 64 else { throw error("a varint is longer than 10 bytes", at: start) }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}
