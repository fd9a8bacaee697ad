import WinnowCore

/// Reads a token shard written by Winnow or any tool that follows the published layouts, and
/// checks on opening that its index agrees with its data (sizes, pointers, boundaries), naming
/// the file and byte offset of the first disagreement.
public final class TokenShardReader {
    public let format: TokenShardFormat
    public let base: String
    public let width: TokenWidth
    let data: MappedFile
    let mask: MappedFile?
    /// Token offset where each sequence starts, and one past the last: `sequenceCount + 1` values.
    public let sequenceEnds: [Int64]
    /// Megatron's document boundaries (in sequences); one sequence per document elsewhere.
    public let documentIndices: [Int64]

    public var dataPath: String { format.dataPath(base) }
    public var sequenceCount: Int { sequenceEnds.count - 1 }
    public var documentCount: Int { documentIndices.count - 1 }
    public var tokenCount: Int64 { sequenceEnds.last ?? 0 }
    public var hasMask: Bool { mask != nil }

    /// Opens the shard that `path` (any of its files, or its base name) belongs to. A nanoGPT
    /// file has no index, so it reads as one sequence of uint16 tokens.
    public convenience init(path: String) throws {
        if let (format, base) = TokenShardFormat.recognize(path) {
            try self.init(base: base, format: format)
        } else if fileExists(path + ".idx") {
            try self.init(base: path, format: .megatron)
        } else if fileExists(path + ".ds") {
            try self.init(base: path, format: .datatrove)
        } else {
            throw WinnowError.invalid("\(path): not a token shard (expected .idx/.bin, .ds/.ds.index or a nanoGPT .bin)")
        }
    }

    public init(base: String, format: TokenShardFormat) throws {
        self.base = base
        self.format = format
        let dataPath = format.dataPath(base)
        guard fileExists(dataPath) else { throw WinnowError.io(path: dataPath, operation: "open", errno: ENOENT) }
        data = try MappedFile(path: dataPath)
        let lossPath = format.lossPath(base)
        mask = fileExists(lossPath) ? try MappedFile(path: lossPath) : nil
        switch format {
        case .megatron:
            var index = try BinaryReader(path: base + ".idx")
            let magic = try index.raw(9, "magic")
            guard Array(magic) == MegatronIndex.magic else { throw index.error("not a Megatron index: bad magic") }
            let version = try index.scalar(UInt64.self, "version")
            guard version == 1 else { throw index.error("unsupported index version \(version)") }
            let code = try index.uint8("dtype code")
            guard let width = TokenWidth(megatronCode: code) else {
                throw index.error("dtype code \(code) is not a token type Winnow reads (8 uint16, 4 int32)")
            }
            self.width = width
            // Both counts bounded by the bytes left before anything is computed from them.
            let count = UInt64(try index.count(try index.scalar(UInt64.self, "sequence count"), of: 12, "sequence count"))
            let documents = UInt64(try index.count(try index.scalar(UInt64.self, "document count"), of: 8, "document count"))
            let expected = UInt64(MegatronIndex.headerSize) + 12 * count + 8 * documents
            guard UInt64(index.bytes.count) == expected || UInt64(index.bytes.count) == expected &+ count else {
                throw index.error("index holds \(index.bytes.count) bytes; \(count) sequences and \(documents) document boundaries need \(expected)")
            }
            let s = Int(count)
            var ends: [Int64] = [0]
            ends.reserveCapacity(s + 1)
            for i in 0..<s {
                let length = try index.int32("sequence length")
                guard length >= 0 else { throw index.error("sequence \(i) has length \(length)") }
                ends.append(ends.last! + Int64(length))
            }
            for i in 0..<s {
                let pointer = try index.int64("sequence pointer")
                guard pointer == ends[i] * Int64(width.byteCount) else {
                    throw index.error("sequence \(i) points to byte \(pointer) of the .bin, but the lengths before it put it at \(ends[i] * Int64(width.byteCount))")
                }
            }
            var indices: [Int64] = []
            for k in 0..<Int(documents) {
                let value = try index.int64("document index")
                guard value >= (indices.last ?? 0), value <= Int64(s), k > 0 || value == 0 else {
                    throw index.error("document index \(k) is \(value): not a non-decreasing list from 0 to \(s)")
                }
                indices.append(value)
            }
            guard indices.last == Int64(s) else { throw index.error("the last document index is \(indices.last ?? -1), not the sequence count \(s)") }
            sequenceEnds = ends
            documentIndices = indices
        case .datatrove:
            width = try TokenShardReader.datatroveWidth(base: base) == 4 ? .uint32 : .uint16
            var index = try BinaryReader(path: base + ".ds.index")
            guard index.bytes.count % 8 == 0 else { throw index.error("index size \(index.bytes.count) is not a multiple of 8") }
            var ends: [Int64] = [0]
            while index.remaining > 0 {
                let end = try index.int64("document end")
                guard end >= ends.last! else { throw index.error("document end \(end) is before the previous one \(ends.last!)") }
                ends.append(end)
            }
            sequenceEnds = ends
            documentIndices = (0...Int64(ends.count - 1)).map { $0 }
        case .nanogpt:
            width = .uint16
            sequenceEnds = [0, Int64(data.count / 2)]
            documentIndices = [0, 1]
        }
        // The token count comes from the index: multiplied with overflow checked.
        let (promised, overflow) = tokenCount.multipliedReportingOverflow(by: Int64(width.byteCount))
        guard !overflow, Int64(data.count) == promised else {
            throw WinnowError.invalid("\(dataPath): holds \(data.count) bytes, but the index promises \(tokenCount) \(width.name) tokens")
        }
        if let mask, Int64(mask.count) != tokenCount {
            throw WinnowError.invalid("\(format.lossPath(base)): holds \(mask.count) mask bytes for \(tokenCount) tokens")
        }
    }

    /// datatrove writes `.ds.metadata` with `name|token_size` on its first line; without it,
    /// tokens are taken as uint16, datatrove's width for vocabularies up to 65,536.
    static func datatroveWidth(base: String) throws -> Int {
        let path = base + ".ds.metadata"
        guard fileExists(path) else { return 2 }
        let text = String(decoding: try readFile(path), as: UTF8.self)
        let first = text.split(separator: "\n").first ?? ""
        guard let bar = first.lastIndex(of: "|"), let size = Int(first[first.index(after: bar)...]), size == 2 || size == 4 else {
            throw WinnowError.invalid("\(path): first line must be 'tokenizer|token_size' with size 2 or 4")
        }
        return size
    }

    /// The token at a token offset.
    @inline(__always)
    public func token(at offset: Int64) -> UInt32 {
        switch width {
        case .uint16: return UInt32(UInt16(littleEndian: data.bytes.loadUnaligned(fromByteOffset: Int(offset) * 2, as: UInt16.self)))
        case .uint32, .int32: return UInt32(littleEndian: data.bytes.loadUnaligned(fromByteOffset: Int(offset) * 4, as: UInt32.self))
        }
    }

    public func tokens(sequence i: Int) -> [UInt32] {
        (sequenceEnds[i]..<sequenceEnds[i + 1]).map(token(at:))
    }

    /// The loss mask of a sequence, if the shard has one.
    public func mask(sequence i: Int) -> [UInt8]? {
        guard let mask else { return nil }
        return Array(mask.bytes[Int(sequenceEnds[i])..<Int(sequenceEnds[i + 1])])
    }

    /// Whether some token has mask 0 (false without a mask).
    public var masksSomeToken: Bool {
        guard let mask, mask.count > 0 else { return false }
        return memchr(mask.base, 0, mask.count) != nil
    }

    /// Mask bytes that are 1 (tokens trained on), or nil without a mask.
    public var maskedInCount: Int64? {
        guard let mask else { return nil }
        var ones: Int64 = 0
        for b in mask.bytes where b != 0 { ones += 1 }
        return ones
    }
}
