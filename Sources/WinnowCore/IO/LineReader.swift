/// Splits a byte stream into lines without copying them.
///
/// Memory is one buffer that holds at least the longest line seen: a 10 GB shard streams through
/// in a few MB plus its largest document.
public final class LineReader {
    private var source: any ByteSource
    private var buffer: UnsafeMutableRawBufferPointer
    /// Bytes [start, end) of `buffer` are read but not yet returned.
    private var start = 0
    private var end = 0
    private var sourceEnded = false
    /// 1-based number of the line returned last.
    public private(set) var lineNumber = 0
    /// Byte offset, in the decompressed stream, of the start of the line returned last.
    public private(set) var lineOffset: Int64 = 0
    private var consumed: Int64 = 0
    /// Whether the line returned last ended with `\n` (false only for a last line without one),
    /// for readers that keep line endings as HF tokenizers' trainer does.
    public private(set) var lastLineEnded = true

    public var path: String { source.path }
    public var fileOffset: Int64 { source.fileOffset }

    public init(source: any ByteSource, chunkSize: Int = 1 << 20) {
        self.source = source
        buffer = .allocate(byteCount: chunkSize, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` with the next line (without its `\n`) and returns true, or returns false at
    /// the end of the stream. The bytes are valid only during the call.
    public func nextLine<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        var searchFrom = start
        while true {
            if searchFrom < end,
               let hit = memchr(buffer.baseAddress! + searchFrom, 0x0A, end - searchFrom) {
                let newline = buffer.baseAddress!.distance(to: hit)
                return try emit(upTo: newline, skip: 1, body)
            }
            searchFrom = end
            if sourceEnded {
                if start == end { return nil }
                return try emit(upTo: end, skip: 0, body)
            }
            try refill(&searchFrom)
        }
    }

    private func emit<R>(upTo lineEnd: Int, skip: Int,
                                  _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        lineNumber += 1
        lineOffset = consumed
        lastLineEnded = skip == 1
        let line = UnsafeRawBufferPointer(rebasing: buffer[start..<lineEnd])
        consumed += Int64(lineEnd + skip - start)
        start = lineEnd + skip
        return try body(line)
    }

    /// Moves the unread tail to the front (growing the buffer when one line fills it) and reads more.
    private func refill(_ searchFrom: inout Int) throws {
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                memmove(buffer.baseAddress!, buffer.baseAddress! + start, pending)
            }
            searchFrom -= start
            end = pending
            start = 0
        }
        if end == buffer.count {
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 64)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
            buffer.deallocate()
            buffer = grown
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if n == 0 { sourceEnded = true }
        end += n
    }
}
