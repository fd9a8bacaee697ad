/// Reads little-endian binary files (model files, token-shard indexes) from memory, with errors
/// that name the file, the offset and what was being read.
public struct BinaryReader {
    public let path: String
    public let bytes: [UInt8]
    public private(set) var offset = 0

    public init(path: String) throws {
        self.path = path
        bytes = try readFile(path)
    }

    public init(bytes: [UInt8], path: String) {
        self.path = path
        self.bytes = bytes
    }

    public var remaining: Int { bytes.count - offset }

    public func error(_ detail: String) -> WinnowError {
        .invalid("\(path): \(detail) at byte offset \(offset)")
    }

    private mutating func take(_ count: Int, _ what: String) throws -> Int {
        guard count >= 0, remaining >= count else {
            throw error("file is truncated: \(what) needs \(count) bytes, \(remaining) left")
        }
        defer { offset += count }
        return offset
    }

    public mutating func scalar<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws -> T {
        let at = try take(MemoryLayout<T>.size, what)
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: T.self)) }
    }

    public mutating func int32(_ what: String) throws -> Int32 { try scalar(Int32.self, what) }
    public mutating func int64(_ what: String) throws -> Int64 { try scalar(Int64.self, what) }
    public mutating func uint8(_ what: String) throws -> UInt8 { try scalar(UInt8.self, what) }

    public mutating func float64(_ what: String) throws -> Double {
        Double(bitPattern: try scalar(UInt64.self, what))
    }

    /// `count` little-endian float32 values.
    public mutating func float32s(_ count: Int, _ what: String) throws -> [Float] {
        let at = try take(count * 4, what)
        return bytes.withUnsafeBytes { raw in
            Array(unsafeUninitializedCapacity: count) { buffer, initialized in
                // Model matrices are gigabytes: copy them in one go (x86-64 and arm64 are little-endian).
                memcpy(buffer.baseAddress!, raw.baseAddress! + at, count * 4)
                initialized = count
            }
        }
    }

    public mutating func raw(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
        let at = try take(count, what)
        return bytes[at..<at + count]
    }

    /// Bytes up to a NUL, which is consumed.
    public mutating func cString(_ what: String) throws -> ArraySlice<UInt8> {
        guard let end = bytes[offset...].firstIndex(of: 0) else {
            throw error("file is truncated inside \(what)")
        }
        defer { offset = end + 1 }
        return bytes[offset..<end]
    }
}

/// Builds a little-endian binary file in memory.
public struct BinaryWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func scalar<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func float64(_ value: Double) { scalar(value.bitPattern) }

    public mutating func float32s(_ values: UnsafeBufferPointer<Float>) {
        bytes.append(contentsOf: UnsafeRawBufferPointer(values))
    }

    public mutating func append<C: Collection>(_ raw: C) where C.Element == UInt8 {
        bytes.append(contentsOf: raw)
    }
}
