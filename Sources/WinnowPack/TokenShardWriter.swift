import WinnowCore

/// Writes one token shard in a trainer's layout: sequences of token ids (each a document, or a
/// packed sequence), optionally with a loss mask. Nothing appears under the final names until
/// `finish()`.
public final class TokenShardWriter {
    public let format: TokenShardFormat
    public let base: String
    public let width: TokenWidth
    public let writesMask: Bool
    private let data: AtomicFile
    private let loss: AtomicFile?
    /// Token count of each sequence, for the index.
    private var lengths: [Int64] = []
    private var narrow: [UInt16] = []
    public private(set) var tokens: Int64 = 0
    public var sequences: Int { lengths.count }

    /// The tokenizer's name for datatrove's `.ds.metadata`.
    public let tokenizerName: String

    public init(base: String, format: TokenShardFormat, width: TokenWidth, writesMask: Bool, tokenizerName: String) throws {
        self.base = base
        self.tokenizerName = tokenizerName
        self.format = format
        self.width = width
        self.writesMask = writesMask
        data = try AtomicFile(path: format.dataPath(base))
        loss = writesMask ? try AtomicFile(path: format.lossPath(base)) : nil
    }

    /// Appends one sequence. `mask` (one byte per token, 0 = no loss) is required when the
    /// shard has a mask and ignored otherwise.
    public func append(_ ids: UnsafeBufferPointer<UInt32>, mask: UnsafeBufferPointer<UInt8>?) throws {
        if format == .megatron, ids.count > Int(Int32.max) {
            throw WinnowError.invalid("\(base): a sequence of \(ids.count) tokens exceeds Megatron's int32 length")
        }
        // Written in memory order: x86-64 and arm64 are little-endian, as the formats are.
        switch width {
        case .uint16:
            narrow.removeAll(keepingCapacity: true)
            narrow.append(contentsOf: ids.lazy.map { UInt16(truncatingIfNeeded: $0) })
            try narrow.withUnsafeBytes { try data.append($0) }
        case .uint32, .int32:
            try data.append(UnsafeRawBufferPointer(ids))
        }
        if let loss {
            if let mask {
                try loss.append(UnsafeRawBufferPointer(mask))
            } else {
                try [UInt8](repeating: 1, count: ids.count).withUnsafeBytes { try loss.append($0) }
            }
        }
        lengths.append(Int64(ids.count))
        tokens += Int64(ids.count)
    }

    public func append(_ ids: [UInt32], mask: [UInt8]?) throws {
        try ids.withUnsafeBufferPointer { idBuffer in
            if let mask {
                try mask.withUnsafeBufferPointer { try append(idBuffer, mask: $0) }
            } else {
                try append(idBuffer, mask: nil)
            }
        }
    }

    /// Appends sequences of another shard of the same width by copying their bytes: Megatron's
    /// merge (append `.bin`, offset the index) and datatrove's.
    public func append(shard: TokenShardReader, sequences: Range<Int>) throws {
        guard shard.width == width else {
            throw WinnowError.invalid("\(shard.dataPath): holds \(shard.width.name) tokens, \(base) \(width.name)")
        }
        guard !sequences.isEmpty else { return }
        let start = Int(shard.sequenceEnds[sequences.lowerBound]), end = Int(shard.sequenceEnds[sequences.upperBound])
        try data.append(UnsafeRawBufferPointer(rebasing: shard.data.bytes[start * width.byteCount..<end * width.byteCount]))
        if let loss {
            if let mask = shard.mask {
                try loss.append(UnsafeRawBufferPointer(rebasing: mask.bytes[start..<end]))
            } else {
                try [UInt8](repeating: 1, count: end - start).withUnsafeBytes { try loss.append($0) }
            }
        }
        for i in sequences { lengths.append(shard.sequenceEnds[i + 1] - shard.sequenceEnds[i]) }
        tokens += Int64(end - start)
    }

    /// Writes the index and moves every file to its final name.
    public func finish() throws {
        switch format {
        case .megatron: try writeMegatronIndex()
        case .datatrove:
            try writeDatatroveIndex()
            let text = "\(tokenizerName)|\(width.byteCount)\n\(tokens)\n\(tokens) tokens\n"
            try writeFileAtomically(base + ".ds.metadata", Array(text.utf8))
        case .nanogpt: break
        }
        try data.commit()
        try loss?.commit()
    }

    /// The `.idx` of pipelines.md §10.1: header, int32 lengths, int64 byte pointers, int64
    /// document indices (each sequence is one document: 0, 1, …, S).
    private func writeMegatronIndex() throws {
        let index = try AtomicFile(path: base + ".idx")
        try MegatronIndex.magic.withUnsafeBytes { try index.append($0) }
        try index.append(UInt64(1))
        try index.append(width.megatronCode)
        try index.append(UInt64(lengths.count))
        try index.append(UInt64(lengths.count + 1))
        for length in lengths { try index.append(Int32(length)) }
        var pointer: Int64 = 0
        for length in lengths {
            try index.append(pointer)
            pointer += length * Int64(width.byteCount)
        }
        for document in 0...lengths.count { try index.append(Int64(document)) }
        try index.commit()
    }

    /// The `.ds.index`: the cumulative end offset (in tokens) of every document, u64.
    private func writeDatatroveIndex() throws {
        let index = try AtomicFile(path: base + ".ds.index")
        var end: UInt64 = 0
        for length in lengths {
            end += UInt64(length)
            try index.append(end)
        }
        try index.commit()
    }
}

enum MegatronIndex {
    static let magic: [UInt8] = [0x4D, 0x4D, 0x49, 0x44, 0x49, 0x44, 0x58, 0x00, 0x00]
    static let headerSize = 34
}
