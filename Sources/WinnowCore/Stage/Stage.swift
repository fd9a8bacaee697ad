/// The stage contract (docs/architecture.md, "The stage contract"). The framework owns settings decoding,
/// task planning, reading, writing, counters and the ledger; a stage supplies its settings, its
/// plan and its work. The runner sees only `Stage`; a new stage never changes it.
public protocol Stage: Sendable {
    /// Phases run one after another, every task of a phase finishing before the next phase
    /// starts (a global decision, such as a corpus-wide score threshold, sits between two).
    var phaseCount: Int { get }
    /// How many tasks a phase runs, given the step's input shards and the `tasks:` setting.
    func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int
    /// Does the work of one task (of phase `task.phase`); the runner times it.
    func run(_ task: TaskAssignment) throws -> TaskStats
    /// Steps whose outputs the stage reads besides its `from` shards (the tokenizer a `pack`
    /// step encodes with): the pipeline orders, fingerprints and redoes the step after them as
    /// after its `from`.
    var stepsRead: [String] { get }
    /// How many shards the step leaves in `output/` when it reads `inputShards`, if that is
    /// known before it runs (nil: only once it has run). The Slurm executor queues the steps
    /// after one with a known count at once, each waiting for the one before.
    func outputShards(inputShards: Int) -> Int?
    /// Whether the stage's `output/` holds document shards, which a step's `output_format:`
    /// may make Parquet (false: tokenizers, token shards).
    var writesDocumentShards: Bool { get }
}

extension Stage {
    public var phaseCount: Int { 1 }
    public var stepsRead: [String] { [] }
    public func outputShards(inputShards: Int) -> Int? { nil }
    public var writesDocumentShards: Bool { false }
}

/// What a per-document stage decides about a document.
public enum Verdict: Sendable, Equatable {
    case keep
    /// Drop it to `rejected/`, with `metadata.rejected_by = "rule: reason"`. Keep `reason` a
    /// short fixed phrase (it is counted); put measured values in metadata instead.
    case reject(rule: String, reason: String)
}

/// The work of a per-document stage: one value made per task, called once per document, in
/// order. It may add metadata to the document whatever it decides.
public protocol DocumentProcessor {
    mutating func process(_ doc: inout Document) -> Verdict
    /// Adds what the processor measured about itself (such as time per rule) to the task's
    /// counters, once, after the last document.
    mutating func finish(_ stats: inout TaskStats)
}

extension DocumentProcessor {
    public mutating func finish(_ stats: inout TaskStats) {}
}

/// A stage that maps each document to keep-or-reject. Its task count and its task loop come
/// from the framework: one output shard per input shard, named like it.
public protocol DocumentStage: Stage {
    func makeProcessor(_ task: TaskAssignment) throws -> any DocumentProcessor
}

extension DocumentStage {
    public func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int {
        TaskPlan.perShard(inputShards: inputShards, requested: requested)
    }

    public func outputShards(inputShards: Int) -> Int? { inputShards }
    public var writesDocumentShards: Bool { true }

    public func run(_ task: TaskAssignment) throws -> TaskStats {
        var processor = try makeProcessor(task)
        var stats = try DocumentLoop(task: task).run { doc in processor.process(&doc) }
        processor.finish(&stats)
        return stats
    }
}

/// Common task plans.
public enum TaskPlan {
    /// One task per input shard, or the `tasks:` setting if smaller.
    public static func perShard(inputShards: Int, requested: Int?) -> Int {
        max(1, min(requested ?? inputShards, max(inputShards, 1)))
    }
}

/// What one task has been given to do: its step, phase and rank among `world`, its shards,
/// where its outputs, rejects and between-phase files go, its seed and the pipeline's limits.
public struct TaskAssignment: Sendable {
    public var stepID: String
    public var phase: Int
    public var rank: Int
    public var world: Int
    /// All input shards of the step, sorted; this task's are `shards`.
    public var inputShards: [String]
    public var outputDirectory: String
    public var rejectedDirectory: String
    /// The step's own folder, for files a stage keeps between its phases.
    public var stepDirectory: String
    /// The seed for this task's randomness, derived from the pipeline seed, step and rank.
    public var seed: UInt64
    /// zstd level of written shards.
    public var compressionLevel: Int32
    /// Documents whose line is longer are rejected rather than processed (0: no limit).
    public var maxDocBytes: Int
    /// How rows of Parquet shards become documents (`text_key`, `id_key`, `columns`).
    public var rows = RowMapping()
    /// The format of the document shards the step writes (`output_format:`).
    public var outputFormat = ShardOutputFormat.jsonl
    /// The step's `tasks:` setting, so a stage can work out how many tasks another of its
    /// phases ran (`taskCount(phase:inputShards:requested:)`) and which of them wrote a file.
    public var requestedTasks: Int?
    /// The step's `memory:` setting in bytes: what a stage that holds data between reading and
    /// writing (sorting, clustering) may use, so its peak stays under it whatever the corpus.
    public var memoryLimit: Int
    /// The memory that already counts against `memoryLimit`: this process's resident memory,
    /// since a task is a process of its own. Tests that run several tasks in one process at
    /// once pass their own measure, or each would be charged for the others.
    public var memoryInUse: @Sendable () -> Int
    /// Called now and then with progress, for the runner's progress line.
    public var progress: @Sendable (TaskProgress) -> Void

    public init(stepID: String, phase: Int = 0, rank: Int, world: Int, inputShards: [String], outputDirectory: String,
                rejectedDirectory: String, stepDirectory: String, seed: UInt64, compressionLevel: Int32, maxDocBytes: Int,
                requestedTasks: Int? = nil, memoryLimit: Int = ByteSize.defaultMemoryLimit,
                memoryInUse: @escaping @Sendable () -> Int = { residentMemory() },
                progress: @escaping @Sendable (TaskProgress) -> Void) {
        self.stepID = stepID
        self.phase = phase
        self.rank = rank
        self.world = world
        self.inputShards = inputShards
        self.outputDirectory = outputDirectory
        self.rejectedDirectory = rejectedDirectory
        self.stepDirectory = stepDirectory
        self.seed = seed
        self.compressionLevel = compressionLevel
        self.maxDocBytes = maxDocBytes
        self.requestedTasks = requestedTasks
        self.memoryLimit = memoryLimit
        self.memoryInUse = memoryInUse
        self.progress = progress
    }

    /// What a stage may still allocate under `memory:`, after what is in use and `setAside`
    /// (room for reading and the current document).
    public func memoryAvailable(setAside: Int = 0) -> Int {
        memoryLimit - memoryInUse() - setAside
    }

    /// This task's shards: rank r of N takes shards r, r+N, r+2N, … (datatrove's convention).
    public var shards: [String] {
        stride(from: rank, to: inputShards.count, by: world).map { inputShards[$0] }
    }

    /// How many tasks phase `phase` of this step ran, for a later phase that reads the files
    /// each of them wrote: what the stage plans for the step's inputs and `tasks:` setting.
    public func tasks(inPhase phase: Int, of stage: some Stage) -> Int {
        stage.taskCount(phase: phase, inputShards: inputShards.count, requested: requestedTasks)
    }

    /// The rank, of `world` tasks, that reads input shard `index`.
    public static func rank(readingShard index: Int, world: Int) -> Int { index % world }

    /// The output name of an input shard: its path relative to the inputs' common folder, with
    /// `/` turned into `__` so shards from different folders cannot collide, ending `.jsonl.zst`.
    public func outputName(for shard: String) -> String {
        ShardNaming.outputName(for: shard, among: inputShards)
    }
}

/// How far a task has come.
public struct TaskProgress: Sendable {
    public var docs: Int
    /// Compressed input bytes consumed, and the total of this task's input files.
    public var inputBytesDone: Int64
    public var inputBytesTotal: Int64
    /// Uncompressed bytes read.
    public var bytesRead: Int64

    public init(docs: Int, inputBytesDone: Int64, inputBytesTotal: Int64, bytesRead: Int64) {
        self.docs = docs
        self.inputBytesDone = inputBytesDone
        self.inputBytesTotal = inputBytesTotal
        self.bytesRead = bytesRead
    }
}

public enum ShardNaming {
    /// A number as five digits, zero-padded (`00042`), as shard and part names are.
    public static func fiveDigits(_ value: Int) -> String {
        let digits = "\(value)"
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    public static func outputName(for shard: String, among all: [String]) -> String {
        let prefix = commonDirectory(all)
        var relative = shard.hasPrefix(prefix) ? String(shard.dropFirst(prefix.count)) : shard
        relative = relative.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "__")
        for suffix in [".jsonl.zst", ".jsonl.zstd", ".jsonl.gz", ".jsonl", ".json.zst", ".json.gz", ".json", ".parquet", ".zst", ".gz"]
        where relative.hasSuffix(suffix) {
            relative.removeLast(suffix.count)
            break
        }
        return relative + ".jsonl.zst"
    }

    /// The longest folder prefix (ending in `/`) shared by all paths.
    static func commonDirectory(_ paths: [String]) -> String {
        guard var prefix = paths.first.map({ p -> String in
            guard let slash = p.lastIndex(of: "/") else { return "" }
            return String(p[...slash])
        }) else { return "" }
        for path in paths.dropFirst() {
            while !path.hasPrefix(prefix) {
                prefix.removeLast()
                if let slash = prefix.lastIndex(of: "/") { prefix = String(prefix[...slash]) } else { prefix = "" }
            }
        }
        return prefix
    }
}
