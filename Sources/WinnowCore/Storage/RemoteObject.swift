import Dispatch

/// An object in a bucket or on the web, read by range requests: `peek` is one request (a
/// Parquet footer, a magic number), and `read(into:)` streams through a read-ahead that keeps
/// the next `depth` chunks of `chunkSize` bytes in flight on other threads, so the reader
/// never waits a round trip per buffer once the first chunk has arrived.
public final class RemoteObject: RandomAccessSource {
    public let path: String
    public let size: Int64
    public private(set) var fileOffset: Int64 = 0
    private let chunkSize: Int
    private let depth: Int
    /// Chunks requested and not yet consumed, by index.
    private var chunks: [Int: Chunk] = [:]
    private var current: [UInt8] = []
    private var currentStart = 0
    /// The object's last `tailSize` bytes, fetched by the first look at them: a Parquet file's
    /// length, magic and footer then cost one request together.
    private var tail: [UInt8]?
    static let tailSize = 64 << 10

    public static let defaultChunkSize = max(1 << 16, (environmentInt("WINNOW_S3_CHUNK_KB") ?? 2048) << 10)
    public static let defaultDepth = max(1, environmentInt("WINNOW_S3_READ_AHEAD") ?? 6)

    public init(path: String, chunkSize: Int = RemoteObject.defaultChunkSize, depth: Int = RemoteObject.defaultDepth) throws {
        self.path = path
        self.chunkSize = chunkSize
        self.depth = depth
        size = try ObjectStore.size(path)
    }

    public func peek(count: Int, at offset: Int64) throws -> [UInt8] {
        guard offset < size, count > 0 else { return [] }
        let count = Int(min(Int64(count), size - offset))
        if offset == 0, count <= chunkSize, fileOffset == 0 {
            // A magic number: from the first chunk, which the stream then starts with.
            if chunks[0] == nil { chunks[0] = fetch(0) }
            return Array(try chunks[0]!.value().prefix(count))
        }
        let tailStart = max(0, size - Int64(Self.tailSize))
        if offset >= tailStart {
            if tail == nil { tail = try ObjectStore.read(path, offset: tailStart, count: Int(size - tailStart)) }
            let start = Int(offset - tailStart)
            return Array(tail![start..<min(tail!.count, start + count)])
        }
        return try ObjectStore.read(path, offset: offset, count: count)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if currentStart == current.count {
            guard fileOffset < size else { return 0 }
            let index = Int(fileOffset / Int64(chunkSize))
            for ahead in index..<index + depth where Int64(ahead) * Int64(chunkSize) < size && chunks[ahead] == nil {
                chunks[ahead] = fetch(ahead)
            }
            current = try chunks.removeValue(forKey: index)!.value()
            guard !current.isEmpty else {
                throw WinnowError.corruptStream(path: path, offset: fileOffset, detail: "the object ended before its \(size) bytes (changed while read?)")
            }
            currentStart = Int(fileOffset - Int64(index) * Int64(chunkSize))
        }
        let n = min(buffer.count, current.count - currentStart)
        current.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + currentStart, byteCount: n) }
        currentStart += n
        fileOffset += Int64(n)
        return n
    }

    private func fetch(_ index: Int) -> Chunk {
        let chunk = Chunk()
        let path = path
        let offset = Int64(index) * Int64(chunkSize)
        let count = Int(min(Int64(chunkSize), size - offset))
        DispatchQueue.global().async {
            let result = Result { try ObjectStore.read(path, offset: offset, count: count) }
            chunk.result.withLock { $0 = result }
            chunk.done.signal()
        }
        return chunk
    }

    private final class Chunk: Sendable {
        let done = DispatchSemaphore(value: 0)
        let result = Locked<Result<[UInt8], any Error>?>(nil)

        /// The bytes, once they have arrived.
        func value() throws -> [UInt8] {
            done.wait()
            done.signal()
            return try result.withLock { $0! }.get()
        }
    }
}
