import Dispatch
import Foundation
import Synchronization
import WinnowCore

/// Trains a supervised fastText classifier on `__label__X text` lines: the same dictionary,
/// features, model and losses as fastText, trained with its per-example SGD, a learning rate
/// that decays linearly with the tokens processed, and lock-free updates from every thread
/// (Hogwild). Lines are parsed into feature ids once, not once per epoch as fastText does.
public enum FastTextTrainer {
    public struct Report: Sendable {
        public var examples: Int
        public var tokens: Int64
        public var words: Int
        public var labels: Int
        public var averageLoss: Double
        public var seconds: Double
    }

    public static func train(inputPath: String, args requested: FastTextArgs) throws -> (FastTextModel, Report) {
        let started = monotonicSeconds()
        var adjusted = requested
        adjusted.bucket = requested.effectiveBucket
        adjusted.kind = .supervised
        let args = adjusted
        let text = try readFile(inputPath)
        let dictionary = try buildDictionary(text, args: args, path: inputPath)
        let examples = Examples(text: text, dictionary: dictionary, threads: args.threads)
        guard examples.count > 0 else {
            throw WinnowError.invalid("\(inputPath): no line has both a label (\(args.labelPrefix)…) and a word")
        }
        let dim = Int(args.dim)
        let input = DenseMatrix(rows: Int(dictionary.nwords) + Int(args.bucket), cols: dim)
        var initRandom = SplitMix64(seed: args.seed)
        let bound = 1.0 / Float(dim)
        for i in 0..<(input.rows * dim) { input.data[i] = initRandom.uniform(-bound, bound) }
        let output = DenseMatrix(rows: Int(dictionary.nlabels), cols: dim)
        let model = FastTextModel(args: args, dictionary: dictionary, input: input, output: output)
        let loss = TrainingLoss(model: model, seed: args.seed)

        let target = Int(args.epoch) * Int(dictionary.ntokens)
        let processed = Atomic<Int>(0)
        let lossTotal = Mutex<(sum: Double, count: Int)>((0, 0))
        let threads = max(1, args.threads)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var state = TrainingState(dim: dim, labels: Int(dictionary.nlabels), seed: args.seed &+ UInt64(thread) &* 0x9E37_79B9)
            var index = thread * examples.count / threads
            var local = 0
            var lossSum = 0.0, lossCount = 0
            while processed.load(ordering: .relaxed) < target {
                let progress = Double(processed.load(ordering: .relaxed)) / Double(target)
                let lr = Float(args.lr * (1 - progress))
                let example = examples[index]
                local += example.tokens
                if !example.labels.isEmpty && !example.features.isEmpty {
                    lossSum += Double(loss.update(example, lr: lr, model: model, state: &state))
                    lossCount += 1
                }
                if local > Int(args.lrUpdateRate) {
                    processed.add(local, ordering: .relaxed)
                    local = 0
                }
                index = index + 1 == examples.count ? 0 : index + 1
            }
            lossTotal.withLock { $0.sum += lossSum; $0.count += lossCount }
        }
        let (sum, count) = lossTotal.withLock { $0 }
        return (model, Report(examples: examples.count, tokens: dictionary.ntokens, words: Int(dictionary.nwords),
                              labels: Int(dictionary.nlabels), averageLoss: count > 0 ? sum / Double(count) : 0,
                              seconds: monotonicSeconds() - started))
    }

    /// Counts every token of the file (fastText's `readFromFile`), drops words and labels below
    /// their minimum counts, and orders words before labels, each by count, most frequent first.
    static func buildDictionary(_ text: [UInt8], args: FastTextArgs, path: String) throws -> FastTextDictionary {
        var counter = TokenCounter(labelPrefix: Array(args.labelPrefix.utf8))
        var ntokens: Int64 = 0
        text.withUnsafeBufferPointer { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                if b == 0x0A {
                    counter.add(FastTextDictionary.endOfSentence[...])
                    ntokens += 1
                    i += 1
                    continue
                }
                if FastTextDictionary.isSeparator(b) { i += 1; continue }
                let start = i
                while i < n, !FastTextDictionary.isSeparator(bytes[i]) { i += 1 }
                counter.add(bytes[start..<i])
                ntokens += 1
            }
        }
        let kept = counter.entries.enumerated().filter { _, e in
            e.kind == .word ? e.count >= Int64(args.minCount) : e.count >= Int64(args.minCountLabel)
        }.map(\.element)
        let sorted = kept.enumerated().sorted { a, b in
            if a.element.kind != b.element.kind { return a.element.kind == .word }
            if a.element.count != b.element.count { return a.element.count > b.element.count }
            return a.offset < b.offset
        }.map(\.element)
        guard sorted.contains(where: { $0.kind == .label }) else {
            throw WinnowError.invalid("\(path): no labels found (labels are tokens starting with \(args.labelPrefix))")
        }
        return FastTextDictionary(entries: sorted, ntokens: ntokens, pruneIndex: nil, args: args)
    }
}

/// Counts distinct tokens in order of first appearance, without allocating per lookup.
struct TokenCounter {
    var entries: [FastTextDictionary.Entry] = []
    private var slots = [Int32](repeating: -1, count: 1 << 16)
    private var mask = (1 << 16) - 1
    private let labelPrefix: [UInt8]

    init(labelPrefix: [UInt8]) { self.labelPrefix = labelPrefix }

    mutating func add(_ token: Slice<UnsafeBufferPointer<UInt8>>) {
        let h = FastTextDictionary.hash(token)
        var slot = Int(h) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if entries[Int(id)].word.elementsEqual(token) {
                entries[Int(id)].count += 1
                return
            }
            slot = (slot + 1) & mask
        }
        let isLabel = token.count >= labelPrefix.count && token.prefix(labelPrefix.count).elementsEqual(labelPrefix)
        slots[slot] = Int32(entries.count)
        entries.append(.init(word: Array(token), count: 1, kind: isLabel ? .label : .word))
        if entries.count * 2 > slots.count { grow() }
    }

    mutating func add(_ token: ArraySlice<UInt8>) {
        token.withUnsafeBufferPointer { add($0[...]) }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for (i, entry) in entries.enumerated() {
            var slot = Int(FastTextDictionary.hash(entry.word)) & mask
            while slots[slot] != -1 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }
}

/// The training lines as feature ids and label indices, parsed once (on all threads).
struct Examples: @unchecked Sendable {
    struct Example {
        let features: ArraySlice<Int32>
        let labels: ArraySlice<Int32>
        let tokens: Int
    }

    private var features: [Int32] = []
    private var featureStarts: [Int] = [0]
    private var labels: [Int32] = []
    private var labelStarts: [Int] = [0]
    private var tokens: [Int32] = []

    var count: Int { tokens.count }

    subscript(i: Int) -> Example {
        Example(features: features[featureStarts[i]..<featureStarts[i + 1]],
                labels: labels[labelStarts[i]..<labelStarts[i + 1]], tokens: Int(tokens[i]))
    }

    init(text: [UInt8], dictionary: FastTextDictionary, threads: Int) {
        // Line boundaries, then each thread parses a contiguous run of lines.
        var starts: [Int] = [0]
        text.withUnsafeBufferPointer { bytes in
            var i = 0
            while i < bytes.count, let hit = memchr(bytes.baseAddress! + i, 0x0A, bytes.count - i) {
                i = bytes.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
                starts.append(i)
            }
        }
        if starts.last! < text.count { starts.append(text.count) }
        let lineStarts = starts
        let lines = lineStarts.count - 1
        let parts = max(1, min(threads, lines))
        let pieces = Mutex<[Int: Examples]>([:])
        text.withUnsafeBufferPointer { bytes in
            let shared = SharedAcrossThreads(bytes)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var piece = Examples()
                let buffers = LineFeatures()
                for line in (part * lines / parts)..<((part + 1) * lines / parts) {
                    let slice = UnsafeBufferPointer(rebasing: shared.value[lineStarts[line]..<lineStarts[line + 1]])
                    let n = dictionary.features(of: slice, endOfLine: false, into: buffers)
                    piece.append(features: buffers.words, labels: buffers.labels, tokens: n)
                }
                pieces.withLock { $0[part] = piece }
            }
        }
        let all = pieces.withLock { $0 }
        for part in 0..<parts { self.append(contentsOf: all[part]!) }
    }

    private init() {}

    private mutating func append(features f: [Int32], labels l: [Int32], tokens n: Int) {
        features.append(contentsOf: f)
        featureStarts.append(features.count)
        labels.append(contentsOf: l)
        labelStarts.append(labels.count)
        tokens.append(Int32(n))
    }

    private mutating func append(contentsOf other: Examples) {
        for i in 0..<other.count {
            let e = other[i]
            append(features: Array(e.features), labels: Array(e.labels), tokens: e.tokens)
        }
    }
}
