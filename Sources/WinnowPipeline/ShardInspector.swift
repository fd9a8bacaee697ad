import WinnowCore

/// What `winnow inspect` shows of a JSONL shard or a folder of them: counts, sizes, text
/// length quantiles, every metadata key with its coverage and a summary of its values, the
/// invalid lines, and the first documents.
public struct ShardInspection {
    public struct KeySummary {
        public var present = 0
        public var numbers: [Double] = []
        public var strings: [String: Int] = [:]
        public var distinctCapped = false
        public var trues = 0, falses = 0, nulls = 0, arrays = 0, objects = 0
    }

    public var paths: [String]
    public var documents = 0
    public var blankLines = 0
    /// Records that are not documents (a WARC file's requests, metadata, non-HTML responses), by kind.
    public var skippedRecords: [String: Int] = [:]
    public var bytes: Int64 = 0
    public var compressedBytes: Int64 = 0
    public var textLengths: [Int] = []
    public var keys: [String: KeySummary] = [:]
    public var otherFields: [String: Int] = [:]
    public var invalid: [InvalidLine] = []
    public var head: [Document] = []
    /// Shards that could not be read to the end, with the error.
    public var unreadable: [(path: String, error: String)] = []

    static let maxDistinctStrings = 100_000

    public init(path: String, headCount: Int) throws {
        if isDirectory(path) {
            paths = listDirectory(path).map { "\(path)/\($0)" }.filter(StepInputs.isShardFile)
            if paths.isEmpty { throw WinnowError.invalid("\(path): no .jsonl, .jsonl.zst, .jsonl.gz or .parquet shards here") }
        } else {
            guard fileExists(path) else { throw WinnowError.io(path: path, operation: "open", errno: ENOENT) }
            paths = [path]
        }
        for shard in paths {
            compressedBytes += fileSize(shard)
            let reader = try ShardReader(path: shard)
            do {
                while let record = try reader.next() {
                    switch record {
                    case let .invalid(line): invalid.append(line)
                    case let .document(doc, _): add(doc, headCount: headCount)
                    }
                }
            } catch {
                unreadable.append((shard, "\(error)"))
            }
            bytes += reader.bytesRead
            blankLines += reader.blankLines
            skippedRecords.merge(reader.skippedRecords, uniquingKeysWith: +)
        }
    }

    private mutating func add(_ doc: Document, headCount: Int) {
        documents += 1
        textLengths.append(scalarCount(doc.text))
        if head.count < headCount { head.append(doc) }
        for field in doc.otherFields { otherFields[field.key, default: 0] += 1 }
        summarize(doc.metadata, prefix: "")
    }

    private mutating func summarize(_ object: JSONObject, prefix: String) {
        for member in object {
            let key = prefix + member.key
            var summary = keys[key] ?? KeySummary()
            summary.present += 1
            switch member.value {
            case .null: summary.nulls += 1
            case let .bool(b): if b { summary.trues += 1 } else { summary.falses += 1 }
            case let .number(text): if let v = Double(text) { summary.numbers.append(v) }
            case let .string(s):
                if summary.strings[s] != nil || summary.strings.count < ShardInspection.maxDistinctStrings {
                    summary.strings[s, default: 0] += 1
                } else {
                    summary.distinctCapped = true
                }
            case .array: summary.arrays += 1
            case let .object(nested):
                summary.objects += 1
                keys[key] = summary
                summarize(nested, prefix: key + ".")
                continue
            }
            keys[key] = summary
        }
    }

    static func quantiles(_ values: [Double]) -> [(String, Double)] {
        guard !values.isEmpty else { return [] }
        let sorted = values.sorted()
        return [("min", 0), ("p10", 0.1), ("p50", 0.5), ("p90", 0.9), ("max", 1)].map { name, q in
            (name, sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))])
        }
    }

    private static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String((v * 10000).rounded() / 10000)
    }

    public var text: String {
        var out = paths.count == 1 ? "\(paths[0])\n" : "\(paths.count) shards\n"
        out += "  documents: \(documents)"
        if !invalid.isEmpty { out += ", invalid lines: \(invalid.count)" }
        if blankLines > 0 { out += ", blank lines: \(blankLines)" }
        out += "\n  bytes: \(bytes) (\(compressedBytes) on disk)\n"
        if !skippedRecords.isEmpty {
            out += "  records skipped: " + skippedRecords.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        let lengths = ShardInspection.quantiles(textLengths.map(Double.init))
        if !lengths.isEmpty {
            out += "  text length (characters): " + lengths.map { "\($0.0) \(ShardInspection.number($0.1))" }.joined(separator: ", ") + "\n"
        }
        if !otherFields.isEmpty {
            out += "  other top-level fields: " + otherFields.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ") + "\n"
        }
        if !keys.isEmpty { out += "  metadata:\n" }
        for (key, s) in keys.sorted(by: { $0.key < $1.key }) {
            out += "    \(key): \(s.present)/\(documents) (\(percent(Int64(s.present), Int64(documents))))"
            var parts: [String] = []
            let q = ShardInspection.quantiles(s.numbers)
            if !q.isEmpty { parts.append("numbers " + q.map { "\($0.0) \(ShardInspection.number($0.1))" }.joined(separator: ", ")) }
            if !s.strings.isEmpty {
                let top = s.strings.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(5)
                let shown = top.map { "\($0.key.preview()) (\($0.value))" }.joined(separator: ", ")
                parts.append("\(s.strings.count)\(s.distinctCapped ? "+" : "") distinct strings, top: \(shown)")
            }
            if s.trues + s.falses > 0 { parts.append("true \(s.trues), false \(s.falses)") }
            if s.nulls > 0 { parts.append("null \(s.nulls)") }
            if s.arrays > 0 { parts.append("arrays \(s.arrays)") }
            if s.objects > 0 { parts.append("objects \(s.objects)") }
            out += (parts.isEmpty ? "" : ": " + parts.joined(separator: "; ")) + "\n"
        }
        for line in invalid.prefix(50) {
            out += "  invalid line \(line.path):\(line.lineNumber): \(line.reason) (byte \(line.offsetInLine) of the line)\n"
        }
        if invalid.count > 50 { out += "  … \(invalid.count - 50) more invalid lines\n" }
        for failure in unreadable { out += "  UNREADABLE \(failure.path): \(failure.error)\n" }
        for doc in head {
            var line: [UInt8] = []
            DocumentCodec.encode(doc, into: &line)
            out += "\n" + String(decoding: line, as: UTF8.self) + "\n"
        }
        return out
    }

    public var json: JSONValue {
        var o = JSONObject()
        o["paths"] = .array(paths.map { .string($0) })
        o["documents"] = JSONValue(documents)
        o["blank_lines"] = JSONValue(blankLines)
        o["skipped_records"] = .object(JSONObject(skippedRecords.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: JSONValue($0.value)) }))
        o["bytes"] = JSONValue(Int(bytes))
        o["compressed_bytes"] = JSONValue(Int(compressedBytes))
        o["text_length"] = .object(JSONObject(ShardInspection.quantiles(textLengths.map(Double.init)).map { .init(key: $0.0, value: JSONValue($0.1)) }))
        o["other_fields"] = .object(JSONObject(otherFields.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: JSONValue($0.value)) }))
        o["metadata"] = .object(JSONObject(keys.sorted { $0.key < $1.key }.map { key, s in
            var k = JSONObject()
            k["present"] = JSONValue(s.present)
            let q = ShardInspection.quantiles(s.numbers)
            if !q.isEmpty { k["numbers"] = .object(JSONObject(q.map { .init(key: $0.0, value: JSONValue($0.1)) })) }
            if !s.strings.isEmpty {
                k["distinct_strings"] = JSONValue(s.strings.count)
                k["top_strings"] = .array(s.strings.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(10).map {
                    .object(JSONObject([.init(key: "value", value: .string($0.key)), .init(key: "count", value: JSONValue($0.value))]))
                })
            }
            if s.trues + s.falses > 0 { k["true"] = JSONValue(s.trues); k["false"] = JSONValue(s.falses) }
            if s.nulls > 0 { k["null"] = JSONValue(s.nulls) }
            return .init(key: key, value: .object(k))
        }))
        o["invalid_lines"] = .array(invalid.map { line in
            .object(JSONObject([.init(key: "path", value: .string(line.path)), .init(key: "line", value: JSONValue(line.lineNumber)),
                                .init(key: "reason", value: .string(line.reason))]))
        })
        o["unreadable"] = .array(unreadable.map { .object(JSONObject([.init(key: "path", value: .string($0.path)),
                                                                      .init(key: "error", value: .string($0.error))])) })
        o["head"] = .array(head.map { doc in
            var line: [UInt8] = []
            DocumentCodec.encode(doc, into: &line)
            return (try? line.withUnsafeBytes { try JSONValue.parse($0) }) ?? .null
        })
        return .object(o)
    }
}
