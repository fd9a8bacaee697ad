/// The `rejected/` shard of one input shard, created on the first rejection (a shard with none
/// leaves no file), with the counting every stage does for what it drops.
public final class RejectedShard {
    public let path: String
    let level: Int32
    private var writer: ShardWriter?

    public init(path: String, level: Int32) {
        self.path = path
        self.level = level
    }

    public func write(_ doc: Document) throws {
        if writer == nil { writer = try ShardWriter(path: path, level: level) }
        try writer!.write(doc)
    }

    /// A line that is not a document: counted as read, invalid and rejected, kept exactly.
    public func reject(_ line: InvalidLine, stats: inout TaskStats) throws {
        stats.invalidLines += 1
        stats.docsRejected += 1
        stats.bytesIn += Int64(line.bytes.count) + 1
        stats.rejectedBy["reader: \(line.reason)", default: 0] += 1
        try write(RejectedLine.document(for: line))
    }

    /// A document dropped for `label` ("rule: reason"), which goes in `metadata.rejected_by`;
    /// counted with its characters (`characters`, when the caller has them, else counted here)
    /// and by its `metadata.language` and `metadata.domain`.
    public func reject(_ doc: Document, label: String, characters: Int? = nil, stats: inout TaskStats) throws {
        stats.docsRejected += 1
        stats.rejectedBy[label, default: 0] += 1
        stats.rejectedChars[label, default: 0] += Int64(characters ?? scalarCount(doc.text))
        for key in ["language", "domain"] {
            if let value = doc.metadata[key]?.stringValue {
                stats.rejectedByGroup[label, default: [:]]["\(key)=\(value)", default: 0] += 1
            }
        }
        var copy = doc
        copy.metadata["rejected_by"] = .string(label)
        try write(copy)
    }

    public func finish() throws { try writer?.finish() }
}
