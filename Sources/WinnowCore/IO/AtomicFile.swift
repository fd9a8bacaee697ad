/// A file written through a buffer under a temporary name, renamed into place by `commit()`,
/// so a killed task never leaves a file that looks complete (shards, token files, indexes).
/// An `s3://` path is written as an upload that becomes the object only at `commit()`
/// (`ObjectWriter`), so every writer above writes to buckets too.
public final class AtomicFile {
    public let path: String
    private let temporaryPath: String
    private let fd: Int32
    private let object: ObjectWriter?
    private var buffer: [UInt8] = []
    private var committed = false
    private static let flushThreshold = 1 << 20
    /// Bytes written so far.
    public private(set) var size: Int64 = 0
    /// Whether `commit()` waits for the bytes to reach the disk (fsync) before the rename.
    private let durable: Bool

    /// `durable: false` skips the fsync, for files whose damage a reader detects by itself
    /// (sealed intermediates): after a power cut such a file is found damaged and rewritten,
    /// instead of every write waiting for the disk.
    public init(path: String, durable: Bool = true) throws {
        self.path = path
        self.durable = durable
        temporaryPath = "\(path).tmp-\(getpid())"
        buffer.reserveCapacity(AtomicFile.flushThreshold + 4096)
        if StoragePath.isRemote(path) {
            object = try ObjectWriter(path: path)
            fd = -1
            return
        }
        object = nil
        try makeDirectories(parentOf: path)
        removeStaleTemporaries(of: path)
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw WinnowError.io(path: temporaryPath, operation: "create", errno: errno) }
    }

    deinit {
        if let object {
            if !committed { object.abandon() }
        } else if !committed {
            close(fd)
            unlink(temporaryPath)
        }
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        size += Int64(bytes.count)
        if bytes.count >= AtomicFile.flushThreshold {
            try flush()
            try writeAll(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= AtomicFile.flushThreshold { try flush() }
    }

    public func append<T: FixedWidthInteger>(_ value: T) throws {
        try withUnsafeBytes(of: value.littleEndian) { try append($0) }
    }

    public func flush() throws {
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs (if durable; or leaves the wait to `DeferredSync`) and renames the file
    /// to its final name.
    public func commit() throws {
        try flush()
        if let object {
            try object.commit()
            committed = true
            return
        }
        if durable, DeferredSync.hold(fd: fd, path: path) {
            committed = true
        } else {
            if durable, fsync(fd) != 0 { throw WinnowError.io(path: temporaryPath, operation: "fsync", errno: errno) }
            close(fd)
            committed = true
        }
        if rename(temporaryPath, path) != 0 { throw WinnowError.io(path: path, operation: "rename", errno: errno) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        if let object { return try object.append(bytes) }
        try writeFully(fd, bytes, path: temporaryPath)
    }
}
