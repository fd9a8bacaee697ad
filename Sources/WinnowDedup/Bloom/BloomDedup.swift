import WinnowCore

/// `method: bloom`: one task reads every shard in input order and asks a Bloom filter, for each
/// key of each document (its text, its lines or its word n-grams, by `unit`), whether it was
/// seen, then adds it. Each key is asked and added exactly once, in order — DCLM's BFF
/// removed over 90% of a corpus when a second pass added every key again (mlfoundations/dclm
/// #83). One pass in one order makes the result the same on every run; the filter's size and
/// its false-positive rate, planned and reached, go to `bloom_report.json` and the counters.
struct BloomDedup: Stage {
    let settings: BloomSettings
    let mode: DedupSettings.Mode

    func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int { 1 }

    func run(_ task: TaskAssignment) throws -> TaskStats {
        var filter = settings.makeFilter()
        guard filter.bytes <= task.memoryAvailable(setAside: 32 << 20) else {
            throw WinnowError.invalid("step '\(task.stepID)': the Bloom filter needs \(ByteSize.describe(filter.bytes)), more than its memory: \(ByteSize.describe(task.memoryLimit)) leaves; raise memory: or lower expected_count")
        }
        var keys = BloomKeys(settings: settings)
        var tally = BloomTally()
        let input = TaskReader(task: task)
        while let shard = try input.nextShard() {
            let out = try task.openOutputShard(shard.name)
            while let item = try shard.next() {
                var doc = item.document
                let finding = keys.check(doc.text, in: &filter)
                tally.add(finding)
                if finding.seen > 0 { finding.record(in: &doc.metadata, text: doc.text) }
                if mode == .drop, finding.isDuplicateDocument {
                    try shard.reject(doc, label: "dedup: duplicate \(settings.unit == .ngram ? "n-grams" : settings.unit.rawValue)",
                                     characters: item.characters)
                    continue
                }
                var characters = item.characters
                if mode == .drop, !finding.duplicateLines.isEmpty {
                    doc.text = finding.text(without: finding.duplicateLines, of: doc.text)
                    characters = scalarCount(doc.text) // counted again only when text was cut
                }
                try shard.keep(doc, in: out, characters: characters)
            }
            try out.finish()
            try shard.finish()
        }
        var stats = input.finish()
        stats.made = tally.made(filter)
        try writeFileAtomically("\(task.outputDirectory)/bloom_report.json",
                                Array((JSONWriter.string(tally.report(filter, settings: settings)) + "\n").utf8))
        return stats
    }
}

/// The keys of a document by `unit`, checked against and added to the filter in order.
struct BloomKeys {
    let settings: BloomSettings
    private var wordHashes: [UInt64] = []

    init(settings: BloomSettings) { self.settings = settings }

    mutating func check(_ text: [UInt8], in filter: inout BlockedBloomFilter) -> BloomFinding {
        var finding = BloomFinding()
        if settings.unit == .document {
            let key = settings.normalization.apply(text) { XXHash64.hash($0) }
            finding.keys = 1
            finding.seen = filter.insert(key) ? 1 : 0
            finding.isDuplicateDocument = finding.seen == 1
            return finding
        }
        text.withUnsafeBufferPointer { bytes in
            var start = 0
            while start <= bytes.count {
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                let (keys, seen) = settings.normalization.apply(line) { lineKeys($0, &filter) }
                if keys > 0 {
                    finding.keys += keys
                    finding.seen += seen
                    finding.lines += 1
                    let threshold = settings.unit == .paragraph ? 1 : settings.threshold
                    if Double(seen) >= threshold * Double(keys) { finding.duplicateLines.append(start..<end) }
                }
                start = end + 1
            }
        }
        finding.isDuplicateDocument = settings.unit == .ngram
            ? finding.keys > 0 && Double(finding.seen) >= settings.threshold * Double(finding.keys)
            : finding.lines > 0 && finding.duplicateLines.count == finding.lines
        return finding
    }

    /// A line's keys (one, or one per n-gram) and how many of them were seen before.
    private mutating func lineKeys(_ line: UnsafeRawBufferPointer, _ filter: inout BlockedBloomFilter) -> (Int, Int) {
        if settings.unit == .paragraph {
            guard line.contains(where: { !Self.isSpace($0) }) else { return (0, 0) }
            return (1, filter.insert(XXHash64.hash(line)) ? 1 : 0)
        }
        // Words: runs of bytes between ASCII white space, each hashed; an n-gram's key is the
        // polynomial of its word hashes, updated as the window slides.
        wordHashes.removeAll(keepingCapacity: true)
        var i = 0
        while i < line.count {
            if Self.isSpace(line[i]) { i += 1; continue }
            let wordStart = i
            while i < line.count, !Self.isSpace(line[i]) { i += 1 }
            wordHashes.append(XXHash64.hash(UnsafeRawBufferPointer(rebasing: line[wordStart..<i])))
        }
        guard !wordHashes.isEmpty else { return (0, 0) }
        let n = min(settings.ngram, wordHashes.count)
        let base: UInt64 = 0x100_0000_01B3
        var top: UInt64 = 1
        for _ in 1..<max(1, n) { top &*= base }
        var key: UInt64 = 0
        for k in 0..<n { key = key &* base &+ wordHashes[k] }
        var keys = 0, seen = 0
        var position = n
        while true {
            keys += 1
            if filter.insert(SplitMix64.finalize(key)) { seen += 1 }
            guard position < wordHashes.count else { break }
            key = (key &- wordHashes[position - n] &* top) &* base &+ wordHashes[position]
            position += 1
        }
        return (keys, seen)
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
}

/// What the filter said about one document.
struct BloomFinding {
    var keys = 0
    var seen = 0
    var lines = 0
    /// Byte ranges of the lines judged duplicates, in order.
    var duplicateLines: [Range<Int>] = []
    var isDuplicateDocument = false

    /// The share of keys seen before, whether the whole document counts as seen, and the
    /// duplicate lines as character spans ([start, end) in Unicode scalars, as Dolma's
    /// attributes give spans).
    func record(in metadata: inout JSONObject, text: [UInt8]) {
        metadata["bloom_duplicate_fraction"] = JSONValue(keys > 0 ? (Double(seen) / Double(keys) * 1e4).rounded() / 1e4 : 0)
        if isDuplicateDocument { metadata["bloom_duplicate"] = .bool(true) }
        if !duplicateLines.isEmpty { metadata["bloom_duplicate_spans"] = TextCuts.characterSpans(duplicateLines, of: text) }
    }

    /// `text` without the lines in `cut`, each with one of its line breaks, so the lines left
    /// are joined as before.
    func text(without cut: [Range<Int>], of text: [UInt8]) -> [UInt8] {
        TextCuts.removing(cut.map { line in
            line.upperBound < text.count ? line.lowerBound..<(line.upperBound + 1) : max(0, line.lowerBound - 1)..<line.upperBound
        }, from: text)
    }
}

/// The step's totals and its report.
struct BloomTally {
    var documents = 0
    var duplicateDocuments = 0
    var keys = 0
    var seen = 0
    var cutLines = 0

    mutating func add(_ finding: BloomFinding) {
        documents += 1
        keys += finding.keys
        seen += finding.seen
        if finding.isDuplicateDocument { duplicateDocuments += 1 } else { cutLines += finding.duplicateLines.count }
    }

    func made(_ filter: BlockedBloomFilter) -> [String: Int64] {
        ["keys": Int64(keys), "keys seen before": Int64(seen), "duplicate documents": Int64(duplicateDocuments),
         "lines cut": Int64(cutLines), "bloom filter bytes": Int64(filter.bytes),
         "false positives per million keys, at the end": Int64((filter.falsePositiveRate * 1e6).rounded())]
    }

    func report(_ filter: BlockedBloomFilter, settings: BloomSettings) -> JSONValue {
        let planned = BlockedBloomFilter.falsePositiveRate(blocks: filter.blocks, hashes: filter.hashes,
                                                           keys: settings.expectedCount ?? filter.count)
        return .object(JSONObject([
            .init(key: "unit", value: .string(settings.unit.rawValue)),
            .init(key: "bytes", value: JSONValue(filter.bytes)),
            .init(key: "hashes", value: JSONValue(filter.hashes)),
            .init(key: "expected_count", value: settings.expectedCount.map { JSONValue($0) } ?? .null),
            .init(key: "false_positive_rate_asked", value: settings.size == nil ? JSONValue(settings.falsePositiveRate) : .null),
            .init(key: "false_positive_rate_planned", value: JSONValue(planned)),
            .init(key: "keys", value: JSONValue(keys)),
            .init(key: "keys_seen_before", value: JSONValue(seen)),
            .init(key: "false_positive_rate_at_end", value: JSONValue(filter.falsePositiveRate)),
            .init(key: "documents", value: JSONValue(documents)),
            .init(key: "duplicate_documents", value: JSONValue(duplicateDocuments)),
            .init(key: "lines_cut", value: JSONValue(cutLines)),
        ]))
    }
}
