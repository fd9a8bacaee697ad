import Dispatch
import WinnowCore

/// The `pack` stage: tokenizes documents (with the pipeline's trained tokenizer or a given
/// file), adds EOS (and BOS, and the loss-masked MeCo prefix outside the cooldown), packs them
/// and writes token shards a trainer loads as they are.
///
/// Two phases, like a Megatron preprocess run followed by its merge tool:
/// 0. every task packs its input shards into its own shard per mix phase, in `STEP/parts/`;
/// 1. one task appends the parts in rank order into `output/` (Megatron: `.bin` appended and
///    the index offset), split at `max_tokens_per_file`, and sums the task reports into
///    `output/pack_report.json`.
public struct PackStage: Stage {
    public static let name = "pack"
    public let settings: PackSettings
    /// Opens a tokenizer file; given by the registry, as stage modules do not import each other.
    let loadTokenizer: TokenizerLoader

    public init(settings reader: SettingsReader, loadTokenizer: @escaping TokenizerLoader) throws {
        settings = try PackSettings(settings: reader)
        self.loadTokenizer = loadTokenizer
    }

    public init(settings: PackSettings, loadTokenizer: @escaping TokenizerLoader) {
        self.settings = settings
        self.loadTokenizer = loadTokenizer
    }

    public var phaseCount: Int { 2 }
    public var stepsRead: [String] { settings.tokenizerStep.map { [$0] } ?? [] }
    /// Token shards, not documents.
    public func outputShards(inputShards: Int) -> Int? { 0 }

    public func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int {
        phase == 1 ? 1 : TaskPlan.perShard(inputShards: inputShards, requested: requested)
    }

    public func run(_ task: TaskAssignment) throws -> TaskStats {
        task.phase == 1 ? try merge(task) : try pack(task)
    }

    /// The tokenizer file: the setting, or `tokenizer.json` in the named step's output.
    func tokenizerPath(_ task: TaskAssignment) -> String {
        if let path = settings.tokenizerPath { return path }
        let workdir = task.stepDirectory.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return "\(workdir)/\(settings.tokenizerStep!)/output/tokenizer.json"
    }

    static func partsDirectory(_ task: TaskAssignment) -> String { "\(task.stepDirectory)/parts" }
    static func reportPath(_ task: TaskAssignment, rank: Int) -> String { "\(task.stepDirectory)/reports/\(rank).json" }

    // MARK: Phase 0

    private func pack(_ task: TaskAssignment) throws -> TaskStats {
        let path = tokenizerPath(task)
        let tokenizer = try loadTokenizer(path)
        let settings = try self.settings.withSpecials(of: tokenizer, path: path)
        let specials = try SpecialIDs(tokenizer: tokenizer, settings: settings, path: path)
        let width = try TokenWidth.choose(format: settings.format, vocabularySize: tokenizer.vocabularySize)
        let encoders = EncoderPool((0..<settings.threads).map { _ in
            DocumentEncoder(encoder: tokenizer.makeEncoder(specials: settings.specialTokens), specials: specials, settings: settings)
        })
        var packers: [String: Packer] = [:]
        var report = PackReport()
        let parts = PackStage.partsDirectory(task)
        let rankName = ShardNaming.fiveDigits(task.rank)

        func packer(for phase: String) throws -> Packer {
            if let existing = packers[phase] { return existing }
            let group = phase.isEmpty ? "_" : phase
            let writer = try TokenShardWriter(base: "\(parts)/\(group)/\(rankName)", format: settings.partFormat, width: width,
                                              writesMask: settings.writesMask, tokenizerName: path)
            let made = Packer(mode: settings.packing, window: settings.window, padID: specials.pad, writer: writer,
                              bestFitBuffer: settings.bestFitBuffer)
            packers[phase] = made
            return made
        }

        let input = TaskReader(task: task)
        while let shard = try input.nextShard() {
            var batch: [InputDocument] = []
            var batchBytes = 0
            func flush() throws {
                let encoded = encoders.encode(batch.map(\.document))
                for (item, result) in zip(batch, encoded) {
                    let doc = item.document
                    if let error = result.error {
                        var copy = doc
                        copy.metadata["pack_error"] = .string(error)
                        try shard.reject(copy, label: "pack: cannot encode", characters: item.characters)
                        continue
                    }
                    let phase = doc.metadata.value(atPath: settings.phaseField)?.stringValue ?? ""
                    try packer(for: phase).add(ids: result.ids, mask: result.mask)
                    let value = doc.metadata.value(atPath: settings.reportField)?.displayText ?? "(none)"
                    report.count(phase: phase, value: value, tokens: result.ids.count, prefixTokens: result.masked,
                                 hasPrefix: result.masked > (settings.addBOS ? 1 : 0))
                    shard.kept(characters: item.characters)
                }
                batch.removeAll(keepingCapacity: true)
                batchBytes = 0
            }
            while let item = try shard.next() {
                batch.append(item)
                batchBytes += item.document.text.count
                if batchBytes >= 4 << 20 || batch.count >= 8192 { try flush() }
            }
            try flush()
            try shard.finish()
        }
        var stats = input.finish()
        for (phase, packer) in packers {
            try packer.finish()
            try packer.writer.finish()
            report.phases[phase, default: PackReport.Phase()].packing = packer.counters
            stats.bytesOut += packer.writer.tokens * Int64(width.byteCount)
            stats.made["tokens", default: 0] += packer.writer.tokens
        }
        try report.write(PackStage.reportPath(task, rank: task.rank))
        return stats
    }

    // MARK: Phase 1

    /// Appends every task's part of each phase, in rank order, into the output files.
    private func merge(_ task: TaskAssignment) throws -> TaskStats {
        var report = PackReport()
        let encodeTasks = task.tasks(inPhase: 0, of: self)
        for rank in 0..<encodeTasks {
            let path = PackStage.reportPath(task, rank: rank)
            if fileExists(path) { report.add(try PackReport.read(path)) }
        }
        let parts = PackStage.partsDirectory(task)
        let tokenizerName = tokenizerPath(task)
        var stats = TaskStats()
        for group in listDirectory(parts) {
            let phase = group == "_" ? "" : group
            let bases = Set(listDirectory("\(parts)/\(group)").compactMap { TokenShardFormat.recognize("\(parts)/\(group)/\($0)")?.base })
            let partShards = try bases.sorted().map { try TokenShardReader(base: $0, format: settings.partFormat) }
            // The output carries a mask only if some token is masked (a prefix or padding).
            let writesMask = partShards.contains { $0.masksSomeToken }
            var writer: TokenShardWriter?
            var fileNumber = 0
            func close() throws {
                guard let open = writer else { return }
                try open.finish()
                stats.made["tokens", default: 0] += open.tokens
                stats.bytesOut += open.tokens * Int64(open.width.byteCount)
                report.files.append(String(open.base.split(separator: "/").last!))
                writer = nil
                fileNumber += 1
            }
            for part in partShards {
                stats.bytesIn += part.tokenCount * Int64(part.width.byteCount)
                var from = 0
                while from < part.sequenceCount {
                    if writer == nil {
                        let name = settings.baseName(phase: phase, part: settings.maxTokensPerFile > 0 ? fileNumber : nil)
                        writer = try TokenShardWriter(base: "\(task.outputDirectory)/\(name)", format: settings.format, width: part.width,
                                                      writesMask: writesMask, tokenizerName: tokenizerName)
                    }
                    var to = part.sequenceCount
                    if settings.maxTokensPerFile > 0 {
                        // Whole sequences up to the limit; a sequence longer than the limit gets a file of its own.
                        let room = settings.maxTokensPerFile - writer!.tokens
                        to = from
                        while to < part.sequenceCount, part.sequenceEnds[to + 1] - part.sequenceEnds[from] <= room { to += 1 }
                        if to == from {
                            if writer!.tokens > 0 { try close(); continue }
                            to = from + 1
                        }
                    }
                    try writer!.append(shard: part, sequences: from..<to)
                    from = to
                    if settings.maxTokensPerFile > 0, writer!.tokens >= settings.maxTokensPerFile { try close() }
                }
            }
            try close()
        }
        try report.write("\(task.outputDirectory)/pack_report.json")
        stats.made["files"] = Int64(report.files.count)
        return stats
    }
}

/// The task's encoders, one per thread, encoding a batch of documents in parallel. Each
/// thread takes every `threads`-th document, uses only its own encoder and writes only its own
/// result slots, so the threads share nothing mutable.
final class EncoderPool: @unchecked Sendable {
    private let encoders: UnsafeMutableBufferPointer<DocumentEncoder>

    init(_ made: [DocumentEncoder]) {
        encoders = .allocate(capacity: made.count)
        _ = encoders.initialize(from: made)
    }

    deinit {
        encoders.deinitialize()
        encoders.deallocate()
    }

    func encode(_ batch: [Document]) -> [EncodedDocument] {
        var results = [EncodedDocument](repeating: EncodedDocument(), count: batch.count)
        let threads = encoders.count
        results.withUnsafeMutableBufferPointer { slots in
            if threads == 1 {
                for i in batch.indices { slots[i] = encoders[0].encode(batch[i]) }
                return
            }
            // Each index is written by one thread only.
            let output = SharedAcrossThreads(slots)
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for i in stride(from: thread, to: batch.count, by: threads) {
                    output.value[i] = self.encoders[thread].encode(batch[i])
                }
            }
        }
        return results
    }
}
