import Synchronization
import WinnowCore

/// The text a tokenizer is trained or evaluated on: JSONL shards (each document's `text` is one
/// sequence) or plain text files (each line, with its line ending, is one sequence, which is
/// how HF tokenizers' `train(files)` feeds its trainer, so the same files give the same words).
public struct TextCorpus: Sendable {
    public let paths: [String]
    /// Stop after this many bytes of text (nil: read everything).
    public var byteBudget: Int64?
    /// Which documents of JSONL shards to use (a sampler, e.g. by language); nil: all.
    public var keep: (@Sendable (Document) -> Bool)?
    /// The pipeline task reading the corpus: its lines that are not documents then go to its
    /// `rejected/` folder (outside a pipeline they are only counted).
    public var task: TaskAssignment?

    /// `inputs` are files, folders (their JSONL shards and `.txt` files) or glob patterns.
    public init(inputs: [String], byteBudget: Int64? = nil, keep: (@Sendable (Document) -> Bool)? = nil) throws {
        var paths: [String] = []
        for input in inputs {
            var matches = isDirectory(input) ? [input] : try expandPattern(input)
            if matches.isEmpty { throw WinnowError.invalid("\(input): no such file") }
            matches = matches.flatMap { path in
                isDirectory(path)
                    ? listDirectory(path).filter { Self.isShard($0) || $0.hasSuffix(".txt") }.map { "\(path)/\($0)" }.filter { !isDirectory($0) }
                    : [path]
            }
            paths += matches.sorted()
        }
        self.paths = paths
        self.byteBudget = byteBudget
        self.keep = keep
    }

    static func isShard(_ path: String) -> Bool {
        [".jsonl", ".jsonl.zst", ".jsonl.zstd", ".jsonl.gz", ".parquet"].contains { path.hasSuffix($0) }
    }

    /// Sequences in order, many at a time. Thread-safe: workers call `next()` until nil.
    public func batches(targetBytes: Int = 1 << 20) -> TextBatches {
        TextBatches(corpus: self, targetBytes: targetBytes)
    }
}

/// A run of sequences packed in one buffer, with the language of the document each came from.
public struct TextBatch: Sendable {
    public var bytes: [UInt8] = []
    /// Sequence k is `bytes[ends[k-1]..<ends[k]]`.
    public var ends: [Int] = []
    public var languages: [String?] = []

    public var count: Int { ends.count }

    public func range(_ k: Int) -> Range<Int> { (k == 0 ? 0 : ends[k - 1])..<ends[k] }

    mutating func append(_ text: UnsafeRawBufferPointer, language: String?) {
        bytes.append(contentsOf: text)
        ends.append(bytes.count)
        languages.append(language)
    }
}

/// Hands out batches of a corpus to worker threads; reading (and JSON parsing) happens under
/// the lock, the work on a batch outside it. Shards are read through the framework's read
/// loop, so invalid lines are rejected and every document is counted.
public final class TextBatches: Sendable {
    private struct State {
        var fileIndex = 0
        let input: TaskReader
        var shard: ShardPass?
        var lines: LineReader?
        var bytesRead: Int64 = 0
        var documents = 0
        /// Lines of plain text files, and their bytes (not documents, so not in `input`).
        var textLines = 0
        var textBytes: Int64 = 0
        var ended = false
    }

    private let corpus: TextCorpus
    private let targetBytes: Int
    private let state: Mutex<State>

    init(corpus: TextCorpus, targetBytes: Int) {
        self.corpus = corpus
        self.targetBytes = targetBytes
        let shards = corpus.paths.filter(TextCorpus.isShard)
        let input = corpus.task.map { TaskReader(task: $0, shards: shards) } ?? TaskReader(shards: shards)
        state = Mutex(State(input: input))
    }

    /// Sequences read so far and their bytes.
    public var totals: (sequences: Int, bytes: Int64) { state.withLock { ($0.documents, $0.bytesRead) } }

    /// The counters of what was read: documents of shards as the read loop counts them, and the
    /// lines of plain text files as documents kept.
    public func finish() throws -> TaskStats {
        try state.withLock { s in
            try end(&s)
            var stats = s.input.finish()
            stats.docsIn += s.textLines
            stats.docsKept += s.textLines
            stats.bytesIn += s.textBytes
            return stats
        }
    }

    /// The next batch, or nil when the corpus (or the byte budget) is used up.
    public func next() throws -> TextBatch? {
        try state.withLock { s in
            var batch = TextBatch()
            while batch.bytes.count < targetBytes {
                if let budget = corpus.byteBudget, s.bytesRead >= budget { try end(&s); break }
                guard try readOne(&s, into: &batch) else { break }
            }
            return batch.count == 0 ? nil : batch
        }
    }

    /// Stops reading: closes the open shard, so its rejected documents are in place.
    private func end(_ s: inout State) throws {
        guard !s.ended else { return }
        s.ended = true
        try s.shard?.finish()
        s.shard = nil
        s.lines = nil
        s.fileIndex = corpus.paths.count
    }

    /// Reads one sequence into `batch`; false at the end of the corpus.
    private func readOne(_ s: inout State, into batch: inout TextBatch) throws -> Bool {
        while true {
            if let shard = s.shard {
                guard let item = try shard.next() else {
                    try shard.finish()
                    s.shard = nil
                    continue
                }
                let doc = item.document
                guard corpus.keep?(doc) ?? true else { shard.skip(reason: "tokenizer-train: not sampled"); continue }
                shard.kept(characters: item.characters)
                let language = doc.metadata.value(atPath: "language")?.stringValue
                doc.text.withUnsafeBytes { batch.append($0, language: language) }
                s.bytesRead += Int64(doc.text.count)
                s.documents += 1
                return true
            }
            if let lines = s.lines {
                let read: Int? = try lines.nextLine { line in
                    var copy = Array(line)
                    if lines.lastLineEnded { copy.append(0x0A) }
                    copy.withUnsafeBytes { batch.append($0, language: nil) }
                    return copy.count
                }
                guard let read else { s.lines = nil; continue }
                s.bytesRead += Int64(read)
                s.documents += 1
                s.textLines += 1
                s.textBytes += Int64(read)
                return true
            }
            guard s.fileIndex < corpus.paths.count else { return false }
            let path = corpus.paths[s.fileIndex]
            s.fileIndex += 1
            if TextCorpus.isShard(path) {
                s.shard = try s.input.nextShard()
            } else {
                s.lines = LineReader(source: try openByteSource(path: path))
            }
        }
    }
}
