import WinnowCore

/// `method: substring` settings: exact-substring dedup (Lee et al. 2021), which removes every
/// stretch of at least `min_bytes` bytes that occurs elsewhere in the corpus — boilerplate,
/// repeated disclaimers, copied paragraphs inside otherwise different pages.
public struct SubstringSettings: Sendable, Equatable {
    /// 200 bytes is about Lee et al.'s 50 GPT-2 tokens of English text.
    public var minBytes = 200
    /// Keep the first occurrence of each repeat (the default; nothing that occurs once
    /// disappears), or strike every copy, as Lee et al. did.
    public var keepFirst = true

    public init() {}

    init(settings: SettingsReader) throws {
        minBytes = try settings.int("min_bytes", default: minBytes)
        guard minBytes >= 8 else { throw settings.error("min_bytes", "must be at least 8") }
        keepFirst = try settings.choice("remove", ["later", "all"], default: "later") == "later"
    }
}

/// `method: substring`, in two phases:
/// 0. one task reads the whole corpus into memory, finds the repeated spans with a suffix
///    array (`RepeatedSpans`: 9 bytes of memory per byte of text under 2 GB, so a step's
///    corpus must fit its `memory:`), trims them to whole UTF-8 characters and writes each
///    shard's spans to a sealed file;
/// 1. per input rank, the spans are cut out of the texts (drop: a document left with nothing
///    but white space goes to `rejected/`) or recorded as character spans (tag).
struct SubstringDedup: Stage {
    let settings: SubstringSettings
    let mode: DedupSettings.Mode

    var phaseCount: Int { 2 }

    func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int {
        phase == 0 ? 1 : TaskPlan.perShard(inputShards: inputShards, requested: requested)
    }

    static func spansFile(_ task: TaskAssignment, shard: Int) -> String {
        "\(task.stepDirectory)/substrings/\(ShardNaming.fiveDigits(shard)).bin"
    }

    func run(_ task: TaskAssignment) throws -> TaskStats {
        task.phase == 0 ? try find(task) : try cut(task)
    }

    // MARK: Phase 0

    private func find(_ task: TaskAssignment) throws -> TaskStats {
        var text: [UInt8] = []
        var starts: [Int] = []
        var places: [(shard: Int, line: Int)] = []
        let shardIndex = Dictionary(uniqueKeysWithValues: task.inputShards.enumerated().map { ($1, $0) })
        let available = task.memoryAvailable()
        let input = TaskReader(task: task, rejects: .skip)
        while let shard = try input.nextShard() {
            while let item = try shard.next() {
                starts.append(text.count)
                text.append(contentsOf: item.document.text)
                text.append(RepeatedSpans.separator)
                places.append((shardIndex[shard.path]!, item.lineNumber))
                shard.kept(characters: item.characters)
                let needed = text.count * (text.count < Int(Int32.max) ? 9 : 17)
                guard needed <= available else {
                    throw WinnowError.invalid("step '\(task.stepID)': substring dedup holds 9 bytes per byte of text and the corpus passes \(ByteSize.describe(text.count)) of text at \(shard.path):\(item.lineNumber), over its memory: \(ByteSize.describe(task.memoryLimit)); raise memory: or dedup parts of the corpus in separate steps")
                }
            }
            try shard.finish()
        }
        let found = RepeatedSpans.find(text: text, starts: starts, minimum: settings.minBytes, keepFirst: settings.keepFirst)
        var byShard = [BinaryWriter](repeating: BinaryWriter(), count: task.inputShards.count)
        var spans: Int64 = 0, bytes: Int64 = 0
        text.withUnsafeBufferPointer { all in
            for (k, place) in places.enumerated() {
                let document = UnsafeBufferPointer(rebasing: all[starts[k]..<(k + 1 < starts.count ? starts[k + 1] - 1 : all.count - 1)])
                let whole = found[k].compactMap { Self.wholeCharacters($0, of: document) }
                guard !whole.isEmpty else { continue }
                byShard[place.shard].scalar(UInt32(place.line))
                byShard[place.shard].scalar(UInt32(whole.count))
                for span in whole {
                    byShard[place.shard].scalar(UInt32(span.lowerBound))
                    byShard[place.shard].scalar(UInt32(span.upperBound))
                    bytes += Int64(span.count)
                }
                spans += Int64(whole.count)
            }
        }
        var stats = input.finish()
        for (shard, out) in byShard.enumerated() {
            try SealedFile.write(Self.spansFile(task, shard: shard), out.bytes)
            stats.bytesOut += Int64(out.bytes.count)
        }
        stats.made = ["repeated spans": spans, "repeated bytes": bytes, "text bytes": Int64(text.count - starts.count)]
        return stats
    }

    /// A span shrunk to whole UTF-8 characters (a byte repeat can start or end inside one);
    /// nil if nothing is left.
    static func wholeCharacters(_ span: Range<Int>, of text: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var start = span.lowerBound, end = span.upperBound
        while start < end, text[start] & 0xC0 == 0x80 { start += 1 }
        while end > start, end < text.count, text[end] & 0xC0 == 0x80 { end -= 1 }
        return start < end ? start..<end : nil
    }

    // MARK: Phase 1

    private func cut(_ task: TaskAssignment) throws -> TaskStats {
        let shardIndex = Dictionary(uniqueKeysWithValues: task.inputShards.enumerated().map { ($1, $0) })
        let input = TaskReader(task: task)
        var edited: Int64 = 0, removedBytes: Int64 = 0
        while let shard = try input.nextShard() {
            let spans = try Self.readSpans(Self.spansFile(task, shard: shardIndex[shard.path]!))
            let out = try task.openOutputShard(shard.name)
            while let item = try shard.next() {
                var doc = item.document
                var characters = item.characters
                if let found = spans[item.lineNumber] {
                    let repeated = found.reduce(0) { $0 + $1.count }
                    doc.metadata["substring_duplicate_fraction"] = JSONValue((Double(repeated) / Double(max(1, doc.text.count)) * 1e4).rounded() / 1e4)
                    if mode == .tag {
                        doc.metadata["substring_duplicate_spans"] = TextCuts.characterSpans(found, of: doc.text)
                    } else {
                        doc.text = TextCuts.removing(found, from: doc.text)
                        characters = scalarCount(doc.text) // counted again only when text was cut
                        removedBytes += Int64(repeated)
                        if doc.text.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) {
                            try shard.reject(item.document, label: "dedup: repeated text only", characters: item.characters)
                            continue
                        }
                    }
                    edited += 1
                }
                try shard.keep(doc, in: out, characters: characters)
            }
            try out.finish()
            try shard.finish()
        }
        var stats = input.finish()
        stats.made = [mode == .tag ? "documents tagged" : "documents cut": edited]
        if mode == .drop { stats.made["bytes cut"] = removedBytes }
        return stats
    }

    static func readSpans(_ path: String) throws -> [Int: [Range<Int>]] {
        var reader = try SealedFile.read(path, writtenBy: PhaseTask(phase: 0, rank: 0))
        var spans: [Int: [Range<Int>]] = [:]
        while reader.remaining > 0 {
            let line = Int(try reader.scalar(UInt32.self, "line"))
            let count = Int(try reader.scalar(UInt32.self, "span count"))
            spans[line] = try (0..<count).map { _ in
                Int(try reader.scalar(UInt32.self, "span start"))..<Int(try reader.scalar(UInt32.self, "span end"))
            }
        }
        return spans
    }

}
