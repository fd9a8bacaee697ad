import Foundation
import WinnowCore

/// The `score` stage: runs a fastText model on every document, writes the chosen label's
/// probability to `metadata.<field>`, and selects by a fixed threshold or by keeping the top
/// fraction of the whole corpus (by characters, as PreSelect does, or by documents).
///
/// Top-fraction selection runs in three phases so the cut is corpus-wide, not per shard:
/// 0. every task scores its shards into `STEP/scored/` and writes its (score, weight) pairs;
/// 1. one task reads all pairs and writes the threshold to `STEP/threshold.json`;
/// 2. every task keeps the scored documents at or above the threshold.
public struct ScoreStage: Stage {
    public static let name = "score"

    public enum Selection: Sendable, Equatable {
        /// Score only; keep everything.
        case none
        case threshold(Double)
        case top(fraction: Double, byCharacters: Bool)
    }

    public let modelPath: String
    public let label: String
    public let field: String
    public let text: TextPreparation
    public let selection: Selection

    public init(settings: SettingsReader) throws {
        guard let model = try settings.existingPath("model") else { throw settings.missing("model", "must name a fastText .bin or .ftz file") }
        modelPath = model
        guard let label = try settings.string("label") else { throw settings.error("label", "must name the label to score, e.g. __label__1") }
        self.label = label
        field = try settings.string("field", default: "score")
        text = try TextPreparation(settings: settings)
        let threshold = try settings.double("threshold")
        let fraction = try settings.double("top_fraction")
        let by = try settings.choice("top_by", ["characters", "documents"], default: "characters")
        switch (threshold, fraction) {
        case (nil, nil): selection = .none
        case let (t?, nil): selection = .threshold(t)
        case let (nil, f?):
            guard f > 0, f <= 1 else { throw settings.error("top_fraction", "must be in (0, 1]") }
            selection = .top(fraction: f, byCharacters: by == "characters")
        default: throw settings.error("threshold", "and 'top_fraction' cannot both be given")
        }
    }

    public var phaseCount: Int {
        if case .top = selection { return 3 }
        return 1
    }

    public func outputShards(inputShards: Int) -> Int? { inputShards }
    public var writesDocumentShards: Bool { true }

    public func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int {
        phaseCount == 3 && phase == 1 ? 1 : TaskPlan.perShard(inputShards: inputShards, requested: requested)
    }

    public func run(_ task: TaskAssignment) throws -> TaskStats {
        switch (selection, task.phase) {
        case (.top, 1): return try computeThreshold(task)
        case (.top, 2): return try keepAboveThreshold(task)
        default: return try score(task)
        }
    }

    /// Scores documents, and in one-phase modes also decides.
    private func score(_ task: TaskAssignment) throws -> TaskStats {
        let model = try FastTextModel(path: modelPath)
        guard let labelIndex = model.labelIndex(label) else {
            throw WinnowError.invalid("\(modelPath): the model has no label '\(label)' (labels: \(model.labels.prefix(20).joined(separator: ", ")))")
        }
        let scorer = DocumentScorer(model: model, labelIndex: labelIndex, text: text)
        var weights = BinaryWriter()
        var scored: String?
        if case .top = selection { scored = "\(task.stepDirectory)/scored" }
        let stats = try DocumentLoop(task: task, keptFolder: scored).run { doc in
            let probability = scorer.score(doc)
            doc.metadata[field] = JSONValue(Double(probability))
            switch selection {
            case .none:
                return .keep
            case let .threshold(minimum):
                return Double(probability) >= minimum ? .keep : .reject(rule: ScoreStage.name, reason: "below \(minimum)")
            case let .top(_, byCharacters):
                weights.scalar(probability.bitPattern)
                weights.scalar(Int64(byCharacters ? scalarCount(doc.text) : 1))
                return .keep
            }
        }
        if case .top = selection {
            try writeFileAtomically(ScoreStage.weightsPath(task, rank: task.rank), weights.bytes)
        }
        return stats
    }

    static func weightsPath(_ task: TaskAssignment, rank: Int) -> String { "\(task.stepDirectory)/scores/\(rank).bin" }
    static func thresholdPath(_ task: TaskAssignment) -> String { "\(task.stepDirectory)/threshold.json" }

    /// Finds the score at which the best-scored documents first make up the wanted fraction of
    /// the corpus's characters (or documents), as PreSelect's find_threshold does, but over all
    /// shards.
    private func computeThreshold(_ task: TaskAssignment) throws -> TaskStats {
        guard case let .top(fraction, byCharacters) = selection else { return TaskStats() }
        let scoringTasks = task.tasks(inPhase: 0, of: self)
        var pairs: [(score: Float, weight: Int64)] = []
        var stats = TaskStats()
        for rank in 0..<scoringTasks {
            let path = ScoreStage.weightsPath(task, rank: rank)
            guard fileExists(path) else { continue }
            stats.bytesIn += fileSize(path)
            var reader = try BinaryReader(path: path)
            while reader.remaining > 0 {
                let score = Float(bitPattern: try reader.scalar(UInt32.self, "score"))
                pairs.append((score, try reader.int64("weight")))
            }
        }
        pairs.sort { $0.score > $1.score }
        let total = pairs.reduce(Int64(0)) { $0 + $1.weight }
        let wanted = Double(total) * fraction
        var cumulative: Int64 = 0
        var threshold = pairs.last?.score ?? 0
        for pair in pairs {
            cumulative += pair.weight
            if Double(cumulative) >= wanted { threshold = pair.score; break }
        }
        let kept = pairs.filter { $0.score >= threshold }.reduce(Int64(0)) { $0 + $1.weight }
        let report = JSONValue.object(JSONObject([
            .init(key: "threshold", value: JSONValue(Double(threshold))),
            .init(key: "target_fraction", value: JSONValue(fraction)),
            .init(key: "by", value: .string(byCharacters ? "characters" : "documents")),
            .init(key: "documents", value: JSONValue(pairs.count)),
            .init(key: "total_weight", value: JSONValue(Int(total))),
            .init(key: "kept_weight", value: JSONValue(Int(kept))),
            .init(key: "achieved_fraction", value: JSONValue(total == 0 ? 0 : Double(kept) / Double(total))),
        ]))
        let written = Array((JSONWriter.string(report) + "\n").utf8)
        try writeFileAtomically(ScoreStage.thresholdPath(task), written)
        stats.bytesOut = Int64(written.count)
        stats.made = ["scores read": Int64(pairs.count), "thresholds": 1]
        return stats
    }

    private func keepAboveThreshold(_ task: TaskAssignment) throws -> TaskStats {
        let thresholdFile = try readFile(ScoreStage.thresholdPath(task))
        guard case let .object(report) = try thresholdFile.withUnsafeBytes({ try JSONValue.parse($0) }),
              let threshold = report["threshold"]?.doubleValue else {
            throw WinnowError.invalid("\(ScoreStage.thresholdPath(task)): no threshold")
        }
        var context = task
        let scored = "\(task.stepDirectory)/scored"
        context.inputShards = listDirectory(scored).filter { $0.hasSuffix(".jsonl.zst") }.map { "\(scored)/\($0)" }
        let percent = (report["target_fraction"]?.doubleValue ?? 0) * 100
        let reason = "not in the top \(percent == percent.rounded() ? String(Int(percent)) : String(percent))%"
        return try DocumentLoop(task: context, rejectedSuffix: ".below-threshold").run { doc in
            guard let score = doc.metadata[field]?.doubleValue else {
                return .reject(rule: ScoreStage.name, reason: "no \(field)")
            }
            return Float(score) >= Float(threshold) ? .keep : .reject(rule: ScoreStage.name, reason: reason)
        }
    }
}

/// How a document's text is turned into the one line a fastText model reads.
public struct TextPreparation: Sendable, Equatable {
    /// Replace line breaks with a space (true), or delete them as datatrove's filter does (false).
    public var newlinesAsSpaces = true
    public var lowercase = false
    /// Keep at most this many bytes (cut at a character boundary); 0 keeps everything.
    public var maxBytes = 0

    public init() {}

    public init(settings: SettingsReader) throws {
        newlinesAsSpaces = try settings.choice("newlines", ["space", "remove"], default: "space") == "space"
        lowercase = try settings.bool("lowercase", default: false)
        maxBytes = try settings.int("max_bytes", default: 0)
    }

    public func apply(_ text: [UInt8], into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var source = text
        if lowercase { source = Array(String(decoding: text, as: UTF8.self).lowercased().utf8) }
        var end = source.count
        if maxBytes > 0, end > maxBytes {
            end = maxBytes
            while end > 0, source[end] & 0xC0 == 0x80 { end -= 1 }
        }
        for b in source[0..<end] {
            if b == 0x0A || b == 0x0D {
                if newlinesAsSpaces { out.append(0x20) }
            } else {
                out.append(b)
            }
        }
    }
}

/// Scores documents with one model and label, reusing its buffers.
final class DocumentScorer {
    let model: FastTextModel
    let labelIndex: Int32
    let text: TextPreparation
    private let scratch: FastTextModel.Scratch
    private var line: [UInt8] = []

    init(model: FastTextModel, labelIndex: Int32, text: TextPreparation) {
        self.model = model
        self.labelIndex = labelIndex
        self.text = text
        scratch = FastTextModel.Scratch(for: model)
    }

    /// The label's probability as fastText reports it (0 when the text has no features).
    func score(_ doc: Document) -> Float {
        text.apply(doc.text, into: &line)
        return line.withUnsafeBufferPointer { model.probability(of: labelIndex, in: $0, scratch: scratch) }
    }
}
