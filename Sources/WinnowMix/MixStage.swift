import WinnowCore

/// The `mix` stage: samples sources (groups of documents by a metadata key) to target weights
/// per phase of the data schedule, repeating whole documents up to `max_epochs`, and shuffles
/// the result across all shards with memory bounded by one bucket. Deterministic for the seed.
///
/// Four phases:
/// 0. every task measures its shards per source (`STEP/counts/`);
/// 1. one task makes the plan from all counts (`STEP/plan.json`);
/// 2. every task gives each document its copies and their phases (hash of the plan's seed, the
///    shard name, the line number and the copy: the same for any task count), tags them
///    `metadata.mix_phase`, and scatters them into random buckets (`STEP/buckets/`); documents
///    with no copy go to `rejected/` as "mix: not sampled";
/// 3. task b shuffles bucket b of every phase in memory into `output/<phase>-<b>.jsonl.zst`;
///    task 0 writes `output/mix_report.json` (achieved vs target per source per phase).
public struct MixStage: Stage {
    public static let name = "mix"
    public static let phaseKey = "mix_phase"
    public let settings: MixSettings
    let loadTokenizer: TokenizerLoader

    public init(settings reader: SettingsReader, loadTokenizer: @escaping TokenizerLoader) throws {
        settings = try MixSettings(settings: reader)
        self.loadTokenizer = loadTokenizer
    }

    public init(settings: MixSettings, loadTokenizer: @escaping TokenizerLoader) {
        self.settings = settings
        self.loadTokenizer = loadTokenizer
    }

    public var phaseCount: Int { 4 }

    /// Phase 3 writes one shard per bucket and data-schedule phase, empty or not.
    public func outputShards(inputShards: Int) -> Int? { settings.phases.count * settings.buckets }
    public var writesDocumentShards: Bool { true }

    public func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int {
        switch phase {
        case 1: return 1
        case 3: return settings.buckets
        default: return TaskPlan.perShard(inputShards: inputShards, requested: requested)
        }
    }

    public func run(_ task: TaskAssignment) throws -> TaskStats {
        switch task.phase {
        case 0: return try count(task)
        case 1: return try plan(task)
        case 2: return try assign(task)
        default: return try shuffle(task)
        }
    }

    /// The source of a document: its `group_by` metadata value, or with `group_by: folder` the
    /// name of the folder its shard is in (for inputs such as `[data/wiki/*.zst, data/web/*.zst]`),
    /// the step's id for the output of a step (`from: [filter_wiki, filter_web]`).
    func sourceName(_ doc: Document, shard: String) -> String {
        if settings.groupBy == MixSettings.folderSource {
            let folders = shard.split(separator: "/").dropLast()
            if folders.last == "output", folders.count >= 2 { return String(folders[folders.count - 2]) }
            return folders.last.map(String.init) ?? "."
        }
        return doc.metadata.value(atPath: settings.groupBy)?.displayText ?? "(none)"
    }

    /// Measures documents in the mix's unit; with tokens, through this task's own encoder.
    struct Sizer {
        let measure: MixSettings.Measure
        var encoder: (any TokenEncoder)?
        var ids: [UInt32] = []

        mutating func size(_ doc: Document) throws -> Double {
            switch measure {
            case .bytes: return Double(doc.text.count)
            case .documents: return 1
            case .tokens:
                ids.removeAll(keepingCapacity: true)
                try doc.text.withUnsafeBufferPointer { try encoder!.encode($0, into: &ids) }
                return Double(ids.count)
            }
        }
    }

    func makeSizer() throws -> Sizer {
        let encoder = try settings.tokenizer.map { try loadTokenizer($0).makeEncoder(specials: .ordinary) }
        return Sizer(measure: settings.measure, encoder: encoder)
    }

    static func countsPath(_ task: TaskAssignment, rank: Int) -> String { "\(task.stepDirectory)/counts/\(rank).json" }
    static func assignedPath(_ task: TaskAssignment, rank: Int) -> String { "\(task.stepDirectory)/assigned/\(rank).json" }
    static func planPath(_ task: TaskAssignment) -> String { "\(task.stepDirectory)/plan.json" }
    static func bucketDirectory(_ task: TaskAssignment, phase: String, bucket: Int) -> String {
        "\(task.stepDirectory)/buckets/\(phase)/\(bucket)"
    }
    /// Ranks of the per-shard phases (0 and 2), to find their files.
    func shardTaskCount(_ task: TaskAssignment) -> Int {
        task.tasks(inPhase: 0, of: self)
    }

    // MARK: Phase 0

    private func count(_ task: TaskAssignment) throws -> TaskStats {
        var tally = SourceTally()
        var sizer = try makeSizer()
        // Phase 2 reads the same shards and rejects what is not a document; here it is skipped.
        let input = TaskReader(task: task, rejects: .skip)
        while let shard = try input.nextShard() {
            while let item = try shard.next() {
                tally.add(sourceName(item.document, shard: shard.path), size: try sizer.size(item.document))
                shard.kept(characters: item.characters)
            }
            try shard.finish()
        }
        let written = try tally.write(MixStage.countsPath(task, rank: task.rank))
        var stats = input.finish()
        stats.bytesOut = written
        return stats
    }

    // MARK: Phase 1

    private func plan(_ task: TaskAssignment) throws -> TaskStats {
        var tally = SourceTally()
        var stats = TaskStats()
        for rank in 0..<shardTaskCount(task) {
            let path = MixStage.countsPath(task, rank: rank)
            guard fileExists(path) else { continue }
            tally.add(try SourceTally.read(path))
            stats.bytesIn += fileSize(path)
        }
        let plan = MixPlan(settings: settings, sizes: tally.entries.mapValues { ($0.size, $0.documents) }, seed: task.seed)
        let planned = Array((JSONWriter.string(plan.json) + "\n").utf8)
        try writeFileAtomically(MixStage.planPath(task), planned)
        stats.bytesOut = Int64(planned.count)
        stats.made = ["sources": Int64(tally.entries.count), "files": 1]
        return stats
    }

    // MARK: Phase 2

    private func assign(_ task: TaskAssignment) throws -> TaskStats {
        let planPath = MixStage.planPath(task)
        let plan = try MixPlan(json: try readFile(planPath).withUnsafeBytes { try JSONValue.parse($0) }, path: planPath)
        var assigned = AssignedTally(phases: plan.phases)
        var sizer = try makeSizer()
        let rankName = ShardNaming.fiveDigits(task.rank)
        var writers: [Int: ShardWriter] = [:]
        func writer(phase: Int, bucket: Int) throws -> ShardWriter {
            let key = phase * settings.buckets + bucket
            if let existing = writers[key] { return existing }
            let made = try ShardWriter(path: "\(MixStage.bucketDirectory(task, phase: plan.phases[phase], bucket: bucket))/\(rankName).jsonl.zst",
                                       level: task.compressionLevel)
            writers[key] = made
            return made
        }
        let input = TaskReader(task: task)
        while let shard = try input.nextShard() {
            while let item = try shard.next() {
                let doc = item.document
                let name = sourceName(doc, shard: shard.path)
                guard let source = plan.source(name) else {
                    throw WinnowError.invalid("\(shard.path):\(item.lineNumber): source '\(name)' is not in the mix plan (the input changed after planning; redo the step)")
                }
                var random = DocumentRandom(seed: plan.seed, shard: shard.name, line: item.lineNumber)
                let copies = plan.copies(of: source) { random.unit() }
                if copies.isEmpty {
                    try shard.reject(doc, label: "mix: not sampled", characters: item.characters)
                    continue
                }
                assigned.add(source: name, copies: copies, size: try sizer.size(doc))
                var bytesOut: Int64 = 0
                for (copy, phase) in copies.enumerated() {
                    var out = doc
                    out.metadata[MixStage.phaseKey] = .string(plan.phases[phase])
                    if copies.count > 1 { out.metadata["mix_copy"] = JSONValue(copy) }
                    let bucket = random.below(settings.buckets)
                    let target = try writer(phase: phase, bucket: bucket)
                    let before = target.bytesWritten
                    try target.write(out)
                    bytesOut += target.bytesWritten - before
                }
                shard.kept(characters: item.characters, bytesOut: bytesOut)
            }
            try shard.finish()
        }
        for (_, writer) in writers.sorted(by: { $0.key < $1.key }) { try writer.finish() }
        try assigned.write(MixStage.assignedPath(task, rank: task.rank))
        return input.finish()
    }

    // MARK: Phase 3

    private func shuffle(_ task: TaskAssignment) throws -> TaskStats {
        let planPath = MixStage.planPath(task)
        let plan = try MixPlan(json: try readFile(planPath).withUnsafeBytes { try JSONValue.parse($0) }, path: planPath)
        if task.rank == 0 {
            var assigned = AssignedTally(phases: plan.phases)
            for rank in 0..<shardTaskCount(task) {
                let path = MixStage.assignedPath(task, rank: rank)
                if fileExists(path) { assigned.add(try AssignedTally.read(path, phases: plan.phases)) }
            }
            let report = MixReport(plan: plan, assigned: assigned, measure: settings.measure)
            try writeFileAtomically("\(task.outputDirectory)/mix_report.json", Array((JSONWriter.string(report.json) + "\n").utf8))
        }
        var stats = TaskStats()
        for phase in plan.phases {
            let directory = MixStage.bucketDirectory(task, phase: phase, bucket: task.rank)
            let files = listDirectory(directory).filter { $0.hasSuffix(".jsonl.zst") }.map { "\(directory)/\($0)" }
            let input = TaskReader(task: task, shards: files, rejectedSuffix: ".\(phase)-bucket-\(task.rank)")
            var documents: [InputDocument] = []
            while let shard = try input.nextShard() {
                while let item = try shard.next() { documents.append(item) }
                try shard.finish()
            }
            var random = SplitMix64(seed: plan.seed ^ SplitMix64.finalize(UInt64(task.rank) &+ 1))
            documents.shuffle(using: &random)
            let writer = try task.openOutputShard("\(phase)-\(ShardNaming.fiveDigits(task.rank)).jsonl.zst")
            for item in documents {
                let before = writer.bytesWritten
                try writer.write(item.document)
                input.kept(characters: item.characters, bytesOut: writer.bytesWritten - before)
            }
            try writer.finish()
            stats.add(input.finish())
        }
        return stats
    }
}

/// The random numbers of one document: a hash of the plan's seed, the shard's name and the
/// line, so a document's fate does not depend on which task read it.
struct DocumentRandom {
    var generator: SplitMix64

    init(seed: UInt64, shard: String, line: Int) {
        generator = SplitMix64(seed: StableHash.seed(seed, shard, UInt64(line)))
    }

    mutating func unit() -> Double { generator.unit() }
    mutating func below(_ n: Int) -> Int { generator.below(n) }
}
