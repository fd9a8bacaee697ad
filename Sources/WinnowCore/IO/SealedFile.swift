/// Files one phase of a step writes for a later phase, sealed with their length and a checksum,
/// so a later phase never reads a truncated or damaged file as if it were whole: a disk filling
/// up, a copy cut short or a flipped bit is found, named, and the task that wrote the file is
/// redone (see `DamagedIntermediate`), instead of silently deduplicating against half the data
/// (datatrove's #1 MinHash complaint is unsorted or partial signature files).
///
/// Layout: the payload, then a 24-byte trailer: "WNSEALED", the payload length (UInt64 LE) and
/// the XXH64 of the payload (UInt64 LE).
public enum SealedFile {
    static let magic = Array("WNSEALED".utf8)
    static let trailerSize = 24

    /// Writes `payload` and its trailer atomically.
    public static func write(_ path: String, _ payload: [UInt8]) throws {
        let writer = try SealedFileWriter(path: path)
        try payload.withUnsafeBytes { try writer.append($0) }
        try writer.commit()
    }

    /// The whole payload, mapped, after checking length and checksum (for files read at once:
    /// manifests, tables, decisions). Throws `DamagedIntermediate` naming the file and its writer.
    public static func read(_ path: String, writtenBy producer: PhaseTask) throws -> BinaryReader {
        var reader: BinaryReader
        do { reader = try BinaryReader(path: path) } catch {
            throw DamagedIntermediate(path: path, reason: "cannot be read (\(error))", producer: producer)
        }
        let size = reader.bytes.count
        let payloadSize = try checkTrailer(UnsafeRawBufferPointer(rebasing: reader.bytes[max(0, size - trailerSize)...]),
                                           fileSize: size, path: path, producer: producer)
        let payload = UnsafeRawBufferPointer(rebasing: reader.bytes[..<payloadSize])
        guard XXHash64.hash(payload) == storedChecksum(reader.bytes) else {
            throw DamagedIntermediate(path: path, reason: "checksum mismatch", producer: producer)
        }
        reader.limit(to: payloadSize)
        return reader
    }

    /// The payload length the trailer states, once it is known to match the file's size.
    static func checkTrailer(_ trailer: UnsafeRawBufferPointer, fileSize: Int, path: String, producer: PhaseTask) throws -> Int {
        func damaged(_ why: String) -> DamagedIntermediate { DamagedIntermediate(path: path, reason: why, producer: producer) }
        guard fileSize >= trailerSize, trailer.count == trailerSize else {
            throw damaged("\(fileSize) bytes, shorter than its trailer")
        }
        guard trailer.prefix(8).elementsEqual(magic) else { throw damaged("no trailer: truncated or not written by winnow") }
        let length = UInt64(littleEndian: trailer.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard length == UInt64(fileSize - trailerSize) else {
            throw damaged("trailer says \(length) bytes, file holds \(fileSize - trailerSize)")
        }
        return Int(length)
    }

    static func storedChecksum(_ file: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(littleEndian: file.loadUnaligned(fromByteOffset: file.count - 8, as: UInt64.self))
    }
}

/// The task that wrote an intermediate file: its phase and rank within the same step.
public struct PhaseTask: Sendable, Hashable, CustomStringConvertible {
    public var phase: Int
    public var rank: Int
    public init(phase: Int, rank: Int) {
        self.phase = phase
        self.rank = rank
    }
    public var description: String { "phase \(phase) task \(rank)" }
}

/// An intermediate file that is damaged or missing. The task runner hands the task that wrote
/// it back to the executor (it is no longer done), which redoes it before this phase again.
public struct DamagedIntermediate: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var producer: PhaseTask
    public init(path: String, reason: String, producer: PhaseTask) {
        self.path = path
        self.reason = reason
        self.producer = producer
    }
    public var description: String { "\(path): intermediate file is damaged (\(reason)); \(producer) will be redone" }
}

/// Writes a sealed file through a buffer under a temporary name; `commit()` adds the trailer
/// and renames it into place.
public final class SealedFileWriter {
    private let file: AtomicFile
    private var checksum = XXHash64()
    public var path: String { file.path }
    /// Payload bytes written so far.
    public var size: Int64 { file.size }

    public init(path: String) throws {
        // No fsync: a file cut short by a crash fails its seal and is rewritten.
        file = try AtomicFile(path: path, durable: false)
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        checksum.update(bytes)
        try file.append(bytes)
    }

    public func append<T: FixedWidthInteger>(_ value: T) throws {
        try withUnsafeBytes(of: value.littleEndian) { try append($0) }
    }

    public func commit() throws {
        var trailer = BinaryWriter()
        trailer.append(SealedFile.magic)
        trailer.scalar(UInt64(file.size))
        trailer.scalar(checksum.finalize())
        try trailer.bytes.withUnsafeBytes { try file.append($0) }
        try file.commit()
    }
}

/// Reads a sealed file front to back through a fixed buffer, so a merge of hundreds of files
/// holds a buffer each, not the files. The length is checked on opening, the checksum when the
/// last payload byte has been read (before `next` reports the end); a caller that fails
/// half-way has written nothing final, because its outputs are atomic.
public final class SealedFileReader {
    public let path: String
    public let producer: PhaseTask
    public let payloadSize: Int
    private let fd: Int32
    private let expectedChecksum: UInt64
    private var checksum = XXHash64()
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    /// Payload bytes read from the file so far.
    private var consumed = 0

    public init(path: String, writtenBy producer: PhaseTask, bufferSize: Int = 1 << 20) throws {
        self.path = path
        self.producer = producer
        let file = open(path, O_RDONLY | O_CLOEXEC)
        if file < 0 { throw DamagedIntermediate(path: path, reason: "missing (\(String(cString: strerror(errno))))", producer: producer) }
        var st = stat()
        fstat(file, &st)
        let size = Int(st.st_size)
        var trailer = [UInt8](repeating: 0, count: SealedFile.trailerSize)
        let got = size >= SealedFile.trailerSize
            ? trailer.withUnsafeMutableBytes { pread(file, $0.baseAddress, SealedFile.trailerSize, off_t(size - SealedFile.trailerSize)) } : 0
        do {
            payloadSize = try trailer.withUnsafeBytes {
                try SealedFile.checkTrailer(UnsafeRawBufferPointer(rebasing: $0.prefix(max(0, got))), fileSize: size, path: path, producer: producer)
            }
        } catch {
            close(file)
            throw error
        }
        fd = file
        expectedChecksum = trailer.withUnsafeBytes { SealedFile.storedChecksum($0) }
        buffer = .allocate(byteCount: max(bufferSize, 64), alignment: 16)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// The next `size` bytes of payload (valid until the next call), or nil after the last,
    /// once the checksum has matched.
    public func next(_ size: Int) throws -> UnsafeRawBufferPointer? {
        if end - start < size {
            try refill()
            if start == end {
                guard checksum.finalize() == expectedChecksum else { throw damaged("checksum mismatch") }
                return nil
            }
            guard end - start >= size else { throw damaged("payload ends inside a \(size)-byte record") }
        }
        defer { start += size }
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[start..<start + size])
    }

    /// Moves what is left to the front and reads more, up to the payload's end.
    private func refill() throws {
        let left = end - start
        if left > 0, start > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: left) }
        start = 0
        end = left
        while end < buffer.count, consumed < payloadSize {
            let want = min(buffer.count - end, payloadSize - consumed)
            let n = pread(fd, buffer.baseAddress! + end, want, off_t(consumed))
            if n < 0 {
                if errno == EINTR { continue }
                throw WinnowError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { throw damaged("file shrank while being read") }
            checksum.update(UnsafeRawBufferPointer(start: buffer.baseAddress! + end, count: n))
            end += n
            consumed += n
        }
    }

    private func damaged(_ reason: String) -> DamagedIntermediate {
        DamagedIntermediate(path: path, reason: reason, producer: producer)
    }
}
