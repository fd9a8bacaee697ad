/// A stream of bytes read in chunks: a plain file or a decompressor in front of one.
///
/// Readers fill the caller's buffer directly, so decompressed bytes are written once, straight
/// into the line buffer that the JSON scanner reads.
public protocol ByteSource {
    /// Fills up to `buffer.count` bytes and returns how many were written; 0 means end of stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes consumed from the underlying file so far (compressed bytes for a decompressor),
    /// used for progress and to name the offset of damage.
    var fileOffset: Int64 { get }
    /// The path of the underlying file, for messages.
    var path: String { get }
}

/// A shard's bytes wherever they live (a local file, an object in a bucket, a web address):
/// its size, any range of it (`peek`: a magic number, a Parquet footer or column chunk), and
/// its bytes in order (`read(into:)`), which remote sources read ahead.
public protocol RandomAccessSource: ByteSource, AnyObject {
    /// The size in bytes.
    var size: Int64 { get }
    /// Up to `count` bytes at `offset`, without moving the read position (fewer at the end).
    func peek(count: Int, at offset: Int64) throws -> [UInt8]
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension RandomAccessSource {
    public func peek(count: Int) throws -> [UInt8] { try peek(count: count, at: 0) }
}

/// Opens `path`: a local file, `s3://bucket/key` or an `http(s)://` address.
public func openRandomAccess(path: String) throws -> any RandomAccessSource {
    StoragePath.isRemote(path) ? try RemoteObject(path: path) : try FileSource(path: path)
}

/// Reads a file with `read(2)`; closes the descriptor when the last copy is released.
public final class FileSource: RandomAccessSource {
    public let path: String
    private let fd: Int32
    public private(set) var fileOffset: Int64 = 0

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw WinnowError.io(path: path, operation: "open", errno: errno) }
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                fileOffset += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw WinnowError.io(path: path, operation: "read", errno: errno)
        }
    }

    /// Up to `count` bytes at `offset`, without moving the read position (fewer at the end).
    public func peek(count: Int, at offset: Int64) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
            filled = 0
            while filled < count {
                let n = pread(fd, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                if n < 0, errno == EINTR { continue }
                if n < 0 { throw WinnowError.io(path: path, operation: "read", errno: errno) }
                if n == 0 { break }
                filled += n
            }
        }
    }

    /// The size of the file in bytes, for progress estimates.
    public var size: Int64 {
        var st = stat()
        return fstat(fd, &st) == 0 ? Int64(st.st_size) : 0
    }
}

/// The compression of a JSONL shard, recognised by the magic bytes it starts with (not its
/// name: a gzip file named `.zst` is still gzip).
public enum ShardCompression: Sendable, Equatable {
    case none, zstd, gzip

    public init(magic: some Collection<UInt8>) {
        if magic.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { self = .zstd }
        else if magic.starts(with: [0x1F, 0x8B]) { self = .gzip }
        else { self = .none }
    }
}

/// Opens `path` (local or remote) and puts the decompressor its first bytes call for in front of it.
public func openByteSource(path: String) throws -> any ByteSource {
    try openByteSource(try openRandomAccess(path: path))
}

/// `file`, behind the decompressor its first bytes call for.
public func openByteSource(_ file: any RandomAccessSource) throws -> any ByteSource {
    switch ShardCompression(magic: try file.peek(count: 4)) {
    case .none: return file
    case .zstd: return try ZstdSource(file: file)
    case .gzip: return try GzipSource(file: file)
    }
}
