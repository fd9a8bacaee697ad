/// The framework's task loop for per-document stages: read each of the task's shards, hand
/// every document to the stage, write kept documents to `output/` and everything else to
/// `rejected/` with the reason, and count. Outputs appear under their final names only when a
/// shard is complete.
public struct DocumentLoop {
    public let task: TaskContext
    /// Inserted before `.jsonl.zst` in rejected shard names, for a stage whose phases each
    /// reject documents of the same shard.
    public let rejectedSuffix: String

    public init(task: TaskContext, rejectedSuffix: String = "") {
        self.task = task
        self.rejectedSuffix = rejectedSuffix
    }

    public func run(_ decide: (inout Document) -> Verdict) throws -> TaskStats {
        let started = monotonicSeconds()
        var stats = TaskStats()
        let shards = task.shards
        let totalInput = shards.reduce(Int64(0)) { $0 + fileSize($1) }
        var inputDone: Int64 = 0
        var lastReport = started
        for shard in shards {
            let name = task.outputName(for: shard)
            let rejectedName = String(name.dropLast(".jsonl.zst".count)) + rejectedSuffix + ".jsonl.zst"
            let reader = try ShardReader(path: shard)
            let kept = try ShardWriter(path: "\(task.outputDirectory)/\(name)", level: task.compressionLevel)
            let rejected = RejectedShard(path: "\(task.rejectedDirectory)/\(rejectedName)", level: task.compressionLevel)
            while let record = try reader.next() {
                stats.docsIn += 1
                switch record {
                case let .invalid(line):
                    try rejected.reject(line, stats: &stats)
                case .document(var doc, _):
                    let lineBytes = doc.original.count
                    stats.bytesIn += Int64(lineBytes) + 1
                    let characters = scalarCount(doc.text)
                    stats.charsIn += Int64(characters)
                    let verdict: Verdict
                    if task.maxDocBytes > 0, lineBytes > task.maxDocBytes {
                        verdict = .reject(rule: "reader", reason: "document over max_doc_bytes")
                    } else {
                        verdict = decide(&doc)
                    }
                    switch verdict {
                    case .keep:
                        stats.docsKept += 1
                        stats.charsKept += Int64(doc.edited ? scalarCount(doc.text) : characters)
                        let before = kept.bytesWritten
                        try kept.write(doc)
                        stats.bytesOut += kept.bytesWritten - before
                    case let .reject(rule, reason):
                        try rejected.reject(doc, label: "\(rule): \(reason)", characters: characters, stats: &stats)
                    }
                }
                if stats.docsIn & 1023 == 0 {
                    let now = monotonicSeconds()
                    if now - lastReport >= 0.5 {
                        lastReport = now
                        task.progress(TaskProgress(docs: stats.docsIn, inputBytesDone: inputDone + reader.fileOffset,
                                                   inputBytesTotal: totalInput, bytesRead: stats.bytesIn))
                    }
                }
            }
            stats.blankLines += reader.blankLines
            inputDone += fileSize(shard)
            try kept.finish()
            try rejected.finish()
        }
        task.progress(TaskProgress(docs: stats.docsIn, inputBytesDone: totalInput,
                                   inputBytesTotal: totalInput, bytesRead: stats.bytesIn))
        stats.seconds = monotonicSeconds() - started
        return stats
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
