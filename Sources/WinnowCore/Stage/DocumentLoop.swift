/// The task loop of per-document stages: every document the read loop hands out goes to the
/// stage's decision, kept documents to `output/` (one shard per input shard, named like it)
/// and the rest to `rejected/` with the reason. Outputs appear under their final names only
/// when a shard is complete.
public struct DocumentLoop {
    public let task: TaskAssignment
    /// Inserted before `.jsonl.zst` in rejected shard names, for a stage whose phases each
    /// reject documents of the same shard.
    public let rejectedSuffix: String
    /// A folder of the step where kept documents wait, as `.jsonl.zst`, for a later phase to
    /// read them (instead of `output/`, in the step's `output_format`).
    public let keptFolder: String?

    public init(task: TaskAssignment, rejectedSuffix: String = "", keptFolder: String? = nil) {
        self.task = task
        self.rejectedSuffix = rejectedSuffix
        self.keptFolder = keptFolder
    }

    public func run(_ decide: (inout Document) -> Verdict) throws -> TaskStats {
        let input = TaskReader(task: task, rejectedSuffix: rejectedSuffix)
        while let shard = try input.nextShard() {
            let kept: any DocumentShardWriter = try keptFolder.map { try ShardWriter(path: "\($0)/\(shard.name)", level: task.compressionLevel) }
                ?? task.openOutputShard(shard.name)
            while var item = try shard.next() {
                switch decide(&item.document) {
                case .keep:
                    let doc = item.document
                    try shard.keep(doc, in: kept, characters: doc.edited ? scalarCount(doc.text) : item.characters)
                case let .reject(rule, reason):
                    try shard.reject(item.document, label: "\(rule): \(reason)", characters: item.characters)
                }
            }
            try kept.finish()
            try shard.finish()
        }
        return input.finish()
    }
}

/// Turns a line that is not a document into a document for `rejected/`, so nothing is lost:
/// the line's text is kept exactly (and, if it is not valid UTF-8, its bytes in base64 too).
public enum RejectedLine {
    public static func document(for line: InvalidLine) -> Document {
        let fileName = String(line.path.split(separator: "/").last ?? Substring(line.path))
        var metadata = JSONObject()
        metadata["rejected_by"] = .string("reader: \(line.reason)")
        metadata["source_file"] = .string(line.path)
        metadata["source_line"] = JSONValue(line.lineNumber)
        metadata["source_byte_offset"] = JSONValue(Int(line.byteOffset))
        metadata["error_offset_in_line"] = JSONValue(line.offsetInLine)
        let valid = UTF8Validation.isValid(line.bytes)
        if !valid { metadata["raw_base64"] = .string(Base64.encode(line.bytes)) }
        var doc = Document(id: "\(fileName)/\(line.lineNumber - 1)", text: "", metadata: metadata)
        doc.text = valid ? line.bytes : Array(String(decoding: line.bytes, as: UTF8.self).utf8)
        return doc
    }
}

public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : 0x3D)
            out.append(i + 2 < bytes.count ? alphabet[Int(triple & 63)] : 0x3D)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of standard base64 text (padding optional), or nil if it is not base64.
    public static func decode<S: Collection<UInt8>>(_ text: S) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for c in text {
            let value: UInt32
            switch c {
            case 0x41...0x5A: value = UInt32(c - 0x41)
            case 0x61...0x7A: value = UInt32(c - 0x61 + 26)
            case 0x30...0x39: value = UInt32(c - 0x30 + 52)
            case 0x2B: value = 62
            case 0x2F: value = 63
            case 0x3D: padding += 1; continue
            default: return nil
            }
            if padding > 0 { return nil }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return padding <= 2 ? out : nil
    }
}
