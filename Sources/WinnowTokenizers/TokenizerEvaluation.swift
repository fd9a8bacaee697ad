import Dispatch
import Synchronization
import WinnowCore
import WinnowText

/// What a tokenizer costs a corpus: bytes per token overall, and tokens per word for each
/// `metadata.language` (the fertility table: how many more tokens the same content costs in
/// one language than in another), plus how fast the corpus encoded.
public struct TokenizerEvaluation: Sendable {
    public struct Row: Sendable {
        public var documents = 0
        public var bytes: Int64 = 0
        public var tokens: Int64 = 0
        /// Words by ICU's word boundaries (dictionary-based for Chinese, Japanese, Thai).
        public var words: Int64 = 0

        public var bytesPerToken: Double { tokens > 0 ? Double(bytes) / Double(tokens) : 0 }
        public var tokensPerWord: Double { words > 0 ? Double(tokens) / Double(words) : 0 }

        mutating func add(_ other: Row) {
            documents += other.documents
            bytes += other.bytes
            tokens += other.tokens
            words += other.words
        }
    }

    public var total = Row()
    /// By `metadata.language` ("?" for documents without one).
    public var languages: [String: Row] = [:]
    /// Wall-clock seconds of encoding alone (the corpus is read into memory first).
    public var encodeSeconds: Double = 0
    public var threads = 1
    /// What reading the corpus counted (documents, bytes, rejected lines).
    public var reading = TaskStats()

    public var megabytesPerSecond: Double { encodeSeconds > 0 ? Double(total.bytes) / 1e6 / encodeSeconds : 0 }

    /// A corpus read into memory, with its words counted per language when fertility is asked
    /// for: what several tokenizers are evaluated on, read and counted once.
    public struct LoadedCorpus: Sendable {
        var batches: [TextBatch]
        /// What reading the corpus counted (documents, bytes, rejected lines).
        var reading: TaskStats
        /// Words by `metadata.language`; nil without fertility.
        var words: [String: Int64]?

        /// Reads `corpus` into memory, then counts its words on `threads` threads if `fertility`.
        public init(_ corpus: TextCorpus, threads: Int = availableCores, fertility: Bool = true) throws {
            var loaded: [TextBatch] = []
            let source = corpus.batches(targetBytes: 256 << 10)
            while let batch = try source.next() { loaded.append(batch) }
            batches = loaded
            reading = try source.finish()
            words = fertility ? try Self.countWords(loaded, threads: max(1, threads)) : nil
        }

        private static func countWords(_ batches: [TextBatch], threads: Int) throws -> [String: Int64] {
            let words = Mutex<[String: Int64]>([:])
            let next = Mutex(0)
            let failure = Mutex<(any Error)?>(nil)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                guard let segmenter = try? WordSegmenter() else {
                    failure.withLock { $0 = WinnowError.invalid("ICU word segmenter could not be opened") }
                    return
                }
                var local: [String: Int64] = [:]
                while case let b = next.withLock({ n -> Int in defer { n += 1 }; return n }), b < batches.count {
                    let batch = batches[b]
                    for k in 0..<batch.count {
                        local[batch.languages[k] ?? "?", default: 0] += Int64(segmenter.wordCount(Array(batch.bytes[batch.range(k)])))
                    }
                }
                words.withLock { $0.merge(local, uniquingKeysWith: +) }
            }
            if let error = failure.withLock({ $0 }) { throw error }
            return words.withLock { $0 }
        }
    }

    /// Reads `corpus` into memory, encodes it on `threads` threads (timed), then counts words
    /// if `fertility` is asked for (not timed).
    public static func run(_ tokenizer: any Tokenizer, corpus: TextCorpus, threads: Int = availableCores,
                           specials: SpecialTokenPolicy = .ordinary, fertility: Bool = true) throws -> TokenizerEvaluation {
        try run(tokenizer, on: try LoadedCorpus(corpus, threads: threads, fertility: fertility), threads: threads, specials: specials)
    }

    /// Encodes a loaded corpus on `threads` threads (timed).
    public static func run(_ tokenizer: any Tokenizer, on corpus: LoadedCorpus, threads: Int = availableCores,
                           specials: SpecialTokenPolicy = .ordinary) throws -> TokenizerEvaluation {
        let batches = corpus.batches
        var evaluation = TokenizerEvaluation()
        evaluation.reading = corpus.reading
        evaluation.threads = max(1, threads)
        let next = Mutex(0)
        let parts = Mutex<[[String: Row]]>([])
        let failure = Mutex<(any Error)?>(nil)
        let start = monotonicSeconds()
        DispatchQueue.concurrentPerform(iterations: evaluation.threads) { _ in
            var encoder = tokenizer.makeEncoder(specials: specials)
            var rows: [String: Row] = [:]
            var ids: [UInt32] = []
            while case let b = next.withLock({ n -> Int in defer { n += 1 }; return n }), b < batches.count {
                let batch = batches[b]
                batch.bytes.withUnsafeBufferPointer { all in
                    for k in 0..<batch.count {
                        ids.removeAll(keepingCapacity: true)
                        let range = batch.range(k)
                        do {
                            try encoder.encode(UnsafeBufferPointer(rebasing: all[range]), into: &ids)
                        } catch {
                            failure.withLock { $0 = $0 ?? error }
                        }
                        rows[batch.languages[k] ?? "?", default: Row()].add(
                            Row(documents: 1, bytes: Int64(range.count), tokens: Int64(ids.count)))
                    }
                }
            }
            parts.withLock { $0.append(rows) }
        }
        evaluation.encodeSeconds = monotonicSeconds() - start
        if let error = failure.withLock({ $0 }) { throw error }
        for part in parts.withLock({ $0 }) {
            for (language, row) in part { evaluation.languages[language, default: Row()].add(row) }
        }
        for (language, count) in corpus.words ?? [:] { evaluation.languages[language]?.words = count }
        for row in evaluation.languages.values { evaluation.total.add(row) }
        return evaluation
    }

    /// The report as text: totals, speed, and the fertility table sorted by tokens per word.
    public var text: String {
        func fixed(_ x: Double, _ digits: Int) -> String {
            let scale = pow(10.0, Double(digits))
            let v = (x * scale).rounded() / scale
            var s = String(v)
            if let dot = s.firstIndex(of: ".") {
                let decimals = s.distance(from: dot, to: s.endIndex) - 1
                if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
            }
            return s
        }
        var out = "documents \(total.documents), bytes \(total.bytes), tokens \(total.tokens), bytes/token \(fixed(total.bytesPerToken, 3))\n"
        out += "encoding: \(fixed(encodeSeconds, 3)) s on \(threads) thread(s), \(fixed(megabytesPerSecond, 1)) MB/s\n"
        guard total.words > 0 else { return out }
        out += "\nlanguage  documents       bytes      tokens       words  bytes/token  tokens/word\n"
        for (language, row) in languages.sorted(by: { $0.value.tokensPerWord > $1.value.tokensPerWord || ($0.value.tokensPerWord == $1.value.tokensPerWord && $0.key < $1.key) }) {
            out += pad(language, 8) + pad("\(row.documents)", 11, right: true) + pad("\(row.bytes)", 12, right: true)
                + pad("\(row.tokens)", 12, right: true) + pad("\(row.words)", 12, right: true)
                + pad(fixed(row.bytesPerToken, 3), 13, right: true) + pad(fixed(row.tokensPerWord, 3), 13, right: true) + "\n"
        }
        out += pad("all", 8) + pad("\(total.documents)", 11, right: true) + pad("\(total.bytes)", 12, right: true)
            + pad("\(total.tokens)", 12, right: true) + pad("\(total.words)", 12, right: true)
            + pad(fixed(total.bytesPerToken, 3), 13, right: true) + pad(fixed(total.tokensPerWord, 3), 13, right: true) + "\n"
        return out
    }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }

    public var json: JSONValue {
        func row(_ r: Row) -> JSONValue {
            .object(JSONObject([
                .init(key: "documents", value: JSONValue(r.documents)),
                .init(key: "bytes", value: JSONValue(Int(r.bytes))),
                .init(key: "tokens", value: JSONValue(Int(r.tokens))),
                .init(key: "words", value: JSONValue(Int(r.words))),
                .init(key: "bytes_per_token", value: JSONValue(r.bytesPerToken)),
                .init(key: "tokens_per_word", value: JSONValue(r.tokensPerWord)),
            ]))
        }
        return .object(JSONObject([
            .init(key: "total", value: row(total)),
            .init(key: "encode_seconds", value: JSONValue(encodeSeconds)),
            .init(key: "threads", value: JSONValue(threads)),
            .init(key: "megabytes_per_second", value: JSONValue(megabytesPerSecond)),
            .init(key: "languages", value: .object(JSONObject(languages.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: row($0.value)) }))),
        ]))
    }
}
