/// The `rejected/` shard of one input shard, created on the first rejection (a shard with none
/// leaves no file), and the counting of what a stage drops. Stages reach it through the read
/// loop (`ShardPass.reject`), which settles every document it hands out.
public final class RejectedShard {
    let directory: String
    let jsonlName: String
    let format: ShardOutputFormat
    let level: Int32
    private var writer: (any DocumentShardWriter)?

    /// The shard `directory/jsonlName`, named and written in `format` (`level`: zstd's, for JSONL).
    public init(directory: String, jsonlName: String, format: ShardOutputFormat, level: Int32) {
        self.directory = directory
        self.jsonlName = jsonlName
        self.format = format
        self.level = level
    }

    public func write(_ doc: Document) throws {
        if writer == nil { writer = try format.open(directory: directory, jsonlName: jsonlName, zstdLevel: level) }
        try writer!.write(doc)
    }

    /// Counts a document dropped for `label` ("rule: reason"): with its characters
    /// (`characters`, when the caller has them, else counted here) and by its
    /// `metadata.language` and `metadata.domain`.
    static func count(_ doc: Document, label: String, characters: Int?, stats: inout TaskStats) {
        stats.docsRejected += 1
        stats.rejectedBy[label, default: 0] += 1
        stats.rejectedChars[label, default: 0] += Int64(characters ?? scalarCount(doc.text))
        for key in ["language", "domain"] {
            if let value = doc.metadata[key]?.stringValue {
                stats.rejectedByGroup[label, default: [:]]["\(key)=\(value)", default: 0] += 1
            }
        }
    }

    /// The document as written to `rejected/`: with `metadata.rejected_by = label`.
    static func labelled(_ doc: Document, _ label: String) -> Document {
        var copy = doc
        copy.metadata["rejected_by"] = .string(label)
        return copy
    }

    public func finish() throws { try writer?.finish() }
}
