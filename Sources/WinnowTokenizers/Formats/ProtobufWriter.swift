/// A protobuf field's value as it is on the wire (varint, 4 or 8 fixed bytes, or
/// length-delimited bytes), so a message can be read and written back whole.
enum ProtobufValue: Sendable, Equatable {
    case varint(UInt64)
    case fixed32(UInt32)
    case fixed64(UInt64)
    case bytes([UInt8])
}

/// Writes the protobuf wire format, for sentencepiece's `ModelProto` (the counterpart of
/// `ProtobufReader`): fields in the order they are written, proto2 style (a field is written
/// only when the caller writes it).
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func key(_ number: Int, _ wireType: UInt64) { varint(UInt64(number) << 3 | wireType) }

    mutating func field(_ number: Int, _ value: ProtobufValue) {
        switch value {
        case let .varint(v):
            key(number, ProtobufReader.varint)
            varint(v)
        case let .fixed32(v):
            key(number, ProtobufReader.fixed32)
            for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) }
        case let .fixed64(v):
            key(number, ProtobufReader.fixed64)
            for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) }
        case let .bytes(payload):
            key(number, ProtobufReader.lengthDelimited)
            varint(UInt64(payload.count))
            bytes += payload
        }
    }

    /// An `int32` (negative numbers take ten bytes, as protobuf writes them).
    mutating func int32(_ number: Int, _ value: Int) { field(number, .varint(UInt64(bitPattern: Int64(value)))) }

    mutating func bool(_ number: Int, _ value: Bool) { field(number, .varint(value ? 1 : 0)) }

    mutating func float(_ number: Int, _ value: Float) { field(number, .fixed32(value.bitPattern)) }

    mutating func string(_ number: Int, _ value: String) { field(number, .bytes(Array(value.utf8))) }

    mutating func message(_ number: Int, _ message: ProtobufWriter) { field(number, .bytes(message.bytes)) }
}
