/// A file mapped into memory (private, copy-on-write): pages are read on first touch and shared
/// with other processes mapping the same file, so a multi-gigabyte model loads at once and
/// tasks running side by side do not each hold a copy.
public final class MappedFile: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let count: Int
    private let mapped: Bool

    public init(path: String) throws {
        CrashReport.reading(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw WinnowError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw WinnowError.io(path: path, operation: "stat", errno: errno) }
        count = Int(st.st_size)
        if count == 0 {
            base = .allocate(byteCount: 1, alignment: 16)
            mapped = false
            return
        }
        guard let address = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw WinnowError.io(path: path, operation: "mmap", errno: errno)
        }
        base = address
        mapped = true
    }

    deinit {
        if mapped { munmap(base, count) } else { base.deallocate() }
    }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

/// Reads little-endian binary files (model files, token-shard indexes) with errors that name
/// the file, the offset and what was being read.
public struct BinaryReader {
    public let path: String
    /// The file's bytes; `storage` keeps them alive.
    public let bytes: UnsafeRawBufferPointer
    public let storage: AnyObject
    public private(set) var offset = 0

    public init(path: String) throws {
        self.path = path
        let file = try MappedFile(path: path)
        storage = file
        bytes = file.bytes
        end = file.bytes.count
    }

    /// Bytes left before the end (or before `limit(to:)`).
    public var remaining: Int { end - offset }
    private var end: Int

    /// Stops reading at `end` (a sealed file's trailer is not payload).
    public mutating func limit(to end: Int) { self.end = min(end, bytes.count) }

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
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
    }

    /// A count read from the file, checked before anything is multiplied or allocated by it:
    /// `value` items of `size` bytes each must fit in the bytes that remain.
    public func count<T: BinaryInteger>(_ value: T, of size: Int, _ what: String) throws -> Int {
        guard value >= 0, let n = Int(exactly: value), n <= remaining / max(size, 1) else {
            throw error("\(what) is \(value), but \(remaining) bytes are left, room for at most \(remaining / max(size, 1)) of \(size) bytes")
        }
        return n
    }

    public mutating func int32(_ what: String) throws -> Int32 { try scalar(Int32.self, what) }
    public mutating func int64(_ what: String) throws -> Int64 { try scalar(Int64.self, what) }
    public mutating func uint8(_ what: String) throws -> UInt8 { try scalar(UInt8.self, what) }

    public mutating func float64(_ what: String) throws -> Double {
        Double(bitPattern: try scalar(UInt64.self, what))
    }

    /// `count` little-endian float32 values.
    public mutating func float32s(_ count: Int, _ what: String) throws -> [Float] {
        let count = try self.count(count, of: 4, what)
        let at = try take(count * 4, what)
        return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            // One copy (x86-64 and arm64 are little-endian, as the files are).
            memcpy(buffer.baseAddress!, bytes.baseAddress! + at, count * 4)
            initialized = count
        }
    }

    /// `count` bytes, in place (valid while `storage` lives).
    public mutating func raw(_ count: Int, _ what: String) throws -> UnsafeRawBufferPointer {
        let at = try take(count, what)
        return UnsafeRawBufferPointer(rebasing: bytes[at..<at + count])
    }

    /// Bytes up to a NUL, which is consumed.
    public mutating func cString(_ what: String) throws -> UnsafeRawBufferPointer {
        guard let end = bytes[offset...].firstIndex(of: 0) else {
            throw error("file is truncated inside \(what)")
        }
        defer { offset = end + 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
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
