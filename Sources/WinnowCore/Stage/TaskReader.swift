/// The framework's one read loop, which every stage reads its documents through: it opens a
/// task's shards in order, rejects what is not a document (invalid JSON, no text, bad UTF-8) and
/// what is over `max_doc_bytes`, counts every document in and out, and reports progress. The
/// stage sees only documents it can work on, and tells the loop what became of each, so that
/// `docs_in == kept + rejected + skipped` and `bytes_in` (JSON line bytes, newline included)
/// mean the same in every step.
///
///     let input = TaskReader(task: task)
///     while let shard = try input.nextShard() {
///         while let item = try shard.next() { …; shard.kept(…) or try shard.reject(…) }
///         try shard.finish()
///     }
///     return input.finish()
public final class TaskReader {
    /// What the loop does with lines that are not documents and documents over the size limit.
    public enum Rejects: Sendable {
        /// Writes them to the shard's `rejected/` file with the reason (the usual case).
        case write
        /// Counts them as skipped, for a pass that only measures its input before a later phase
        /// of the same step reads it again and rejects them there (nothing is lost twice).
        case skip
        /// Counts them as rejected and writes nothing: a corpus read outside a pipeline (the
        /// tokenizer commands), where the count is reported and there is no `rejected/` folder.
        case count
    }

    public let shards: [String]
    private let names: [String]
    private let rejectedDirectory: String
    private let rejectedSuffix: String
    private let rejects: Rejects
    private let compressionLevel: Int32
    private let outputFormat: ShardOutputFormat
    fileprivate let maxDocBytes: Int
    private let rows: RowMapping
    private let progress: (@Sendable (TaskProgress) -> Void)?
    /// The counters; documents are counted as they are read and as the stage settles them.
    public internal(set) var stats = TaskStats()
    private var nextIndex = 0
    private let started = monotonicSeconds()
    private var lastReport: Double
    private let totalInput: Int64
    private var inputDone: Int64 = 0
    private var finished = false

    /// Reads `shards` (default: the task's own), naming each shard's `rejected/` file after its
    /// path relative to the shards' common folder.
    public init(task: TaskAssignment, shards: [String]? = nil, rejects: Rejects = .write, rejectedSuffix: String = "") {
        let list = shards ?? task.shards
        let among = shards ?? task.inputShards
        self.shards = list
        names = list.map { ShardNaming.outputName(for: $0, among: among) }
        rejectedDirectory = task.rejectedDirectory
        self.rejectedSuffix = rejectedSuffix
        self.rejects = rejects
        compressionLevel = task.compressionLevel
        outputFormat = task.outputFormat
        maxDocBytes = task.maxDocBytes
        rows = task.rows
        progress = task.progress
        lastReport = started
        totalInput = list.reduce(Int64(0)) { $0 + fileSize($1) }
    }

    /// Reads shards outside a pipeline task: rejects are counted, not written.
    public init(shards: [String], maxDocBytes: Int = 0, rows: RowMapping = RowMapping()) {
        self.shards = shards
        names = shards.map { ShardNaming.outputName(for: $0, among: shards) }
        rejectedDirectory = ""
        rejectedSuffix = ""
        rejects = .count
        compressionLevel = 3
        outputFormat = .jsonl
        self.maxDocBytes = maxDocBytes
        self.rows = rows
        progress = nil
        lastReport = started
        totalInput = shards.reduce(Int64(0)) { $0 + fileSize($1) }
    }

    /// The next shard, or nil when every shard has been read. The previous shard must have
    /// been finished.
    public func nextShard() throws -> ShardPass? {
        guard nextIndex < shards.count else { return nil }
        let index = nextIndex
        nextIndex += 1
        let rejected: RejectedShard?
        switch rejects {
        case .write:
            let base = String(names[index].dropLast(".jsonl.zst".count))
            rejected = RejectedShard(directory: rejectedDirectory, jsonlName: "\(base)\(rejectedSuffix).jsonl.zst",
                                     format: outputFormat, level: compressionLevel)
        case .skip, .count:
            rejected = nil
        }
        return ShardPass(owner: self, path: shards[index], name: names[index],
                         reader: try ShardReader(path: shards[index], rows: rows, maxRecordBytes: maxDocBytes),
                         rejected: rejected)
    }

    /// The task's counters, with its time; reports the final progress.
    public func finish() -> TaskStats {
        if !finished {
            finished = true
            progress?(TaskProgress(docs: stats.docsIn, inputBytesDone: totalInput, inputBytesTotal: totalInput,
                                   bytesRead: stats.bytesIn))
        }
        stats.seconds = monotonicSeconds() - started
        return stats
    }

    /// The stage passed a document on (to its output, or to a later phase): `characters` of
    /// text and `bytesOut` bytes written. A stage that holds documents past the end of their
    /// shard (a shuffle, a batch) settles them here.
    public func kept(characters: Int, bytesOut: Int64 = 0) {
        stats.docsKept += 1
        stats.charsKept += Int64(characters)
        stats.bytesOut += bytesOut
    }

    /// The stage read a document and, by design, passed nothing on (a sample left out):
    /// counted under `reason`, not written anywhere.
    public func skip(reason: String) { stats.skip(reason) }

    fileprivate func reportProgress(fileOffset: Int64) {
        guard let progress, stats.docsIn & 1023 == 0 else { return }
        let now = monotonicSeconds()
        guard now - lastReport >= 0.5 else { return }
        lastReport = now
        progress(TaskProgress(docs: stats.docsIn, inputBytesDone: inputDone + fileOffset, inputBytesTotal: totalInput,
                              bytesRead: stats.bytesIn))
    }

    fileprivate func shardFinished(_ pass: ShardPass) {
        stats.blankLines += pass.reader.blankLines
        for (kind, count) in pass.reader.skippedRecords {
            stats.docsIn += count
            stats.docsSkipped += count
            stats.skippedBy["reader: \(kind)", default: 0] += count
        }
        if pass.reader.replacedBytes > 0 {
            stats.made["undecodable bytes replaced", default: 0] += Int64(pass.reader.replacedBytes)
        }
        inputDone += fileSize(pass.path)
    }

    fileprivate var rejectsSkipped: Bool { rejects == .skip }
}

/// A document handed to a stage by the read loop.
public struct InputDocument {
    public var document: Document
    /// 1-based line number in its shard.
    public var lineNumber: Int
    /// Characters (Unicode scalars) of its text, counted by the loop.
    public var characters: Int
}

/// One shard being read by a `TaskReader`.
public final class ShardPass {
    private unowned let owner: TaskReader
    public let path: String
    /// The shard's output name (`TaskAssignment.outputName`), for the stage's own files.
    public let name: String
    fileprivate let reader: ShardReader
    private let rejected: RejectedShard?

    fileprivate init(owner: TaskReader, path: String, name: String, reader: ShardReader, rejected: RejectedShard?) {
        self.owner = owner
        self.path = path
        self.name = name
        self.reader = reader
        self.rejected = rejected
    }

    /// The next document the stage should work on, or nil at the end of the shard. Lines that
    /// are not documents, and documents over `max_doc_bytes`, are settled here on the way.
    public func next() throws -> InputDocument? {
        while let record = try reader.next() {
            owner.stats.docsIn += 1
            owner.reportProgress(fileOffset: reader.fileOffset)
            switch record {
            case let .invalid(line):
                owner.stats.bytesIn += Int64(line.bytes.count) + 1
                if owner.rejectsSkipped {
                    owner.stats.skip("reader: \(line.reason)")
                    continue
                }
                owner.stats.invalidLines += 1
                owner.stats.docsRejected += 1
                owner.stats.rejectedBy["reader: \(line.reason)", default: 0] += 1
                try rejected?.write(RejectedLine.document(for: line))
            case let .document(doc, lineNumber):
                let lineBytes = reader.recordBytes
                owner.stats.bytesIn += Int64(lineBytes) + 1
                let characters = scalarCount(doc.text)
                owner.stats.charsIn += Int64(characters)
                if maxDocBytesExceeded(lineBytes) {
                    let label = "reader: document over max_doc_bytes"
                    if owner.rejectsSkipped { owner.stats.skip(label); continue }
                    try reject(doc, label: label, characters: characters)
                    continue
                }
                return InputDocument(document: doc, lineNumber: lineNumber, characters: characters)
            }
        }
        return nil
    }

    private func maxDocBytesExceeded(_ lineBytes: Int) -> Bool {
        owner.maxDocBytes > 0 && lineBytes > owner.maxDocBytes
    }

    /// See `TaskReader.kept`.
    public func kept(characters: Int, bytesOut: Int64 = 0) { owner.kept(characters: characters, bytesOut: bytesOut) }

    /// Writes a kept document to `out` and counts it with the bytes it took.
    public func keep(_ doc: Document, in out: any DocumentShardWriter, characters: Int) throws {
        let before = out.bytesWritten
        try out.write(doc)
        kept(characters: characters, bytesOut: out.bytesWritten - before)
    }

    /// See `TaskReader.skip`.
    public func skip(reason: String) { owner.stats.skip(reason) }

    /// The stage dropped a document for `label` ("rule: reason"): written to `rejected/` with
    /// it in `metadata.rejected_by`, and counted with its characters and by its
    /// `metadata.language` and `metadata.domain`.
    public func reject(_ doc: Document, label: String, characters: Int? = nil) throws {
        RejectedShard.count(doc, label: label, characters: characters, stats: &owner.stats)
        try rejected?.write(RejectedShard.labelled(doc, label))
    }

    /// Closes the shard's `rejected/` file, if anything was rejected.
    public func finish() throws {
        owner.shardFinished(self)
        try rejected?.finish()
    }
}
