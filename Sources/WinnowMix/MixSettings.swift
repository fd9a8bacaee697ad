import WinnowCore

/// The `mix` step's settings.
public struct MixSettings: Sendable, Equatable {
    /// One phase of the data schedule: a fraction of the total, with its own weights (nil: the
    /// step's weights).
    public struct Phase: Sendable, Equatable {
        public var name: String
        public var fraction: Double
        public var weights: [String: Double]?
    }

    /// The metadata key whose values are the sources (`domain`, `language`, …), or `folder`:
    /// the folder of the input shard is the source.
    public var groupBy = "domain"
    static let folderSource = "folder"
    /// Target weights by source; nil: temperature sampling over source sizes.
    public var weights: [String: Double]?
    /// Temperature sampling's alpha: weight ∝ size^alpha (1 proportional, 0 uniform; mT5 0.3).
    public var alpha = 1.0
    /// Target size of the whole mix in the measure's unit; nil: the size of all sources.
    public var total: Double?
    /// Size by text bytes, documents, or tokens of `tokenizer` (the text's tokens, without the
    /// EOS or MeCo prefix the pack step adds).
    public var measure: Measure = .bytes
    public var tokenizer: String?
    /// The most times a source's data may be used (up-sampling repeats whole documents).
    public var maxEpochs = 4.0
    public var phases: [Phase] = [Phase(name: "main", fraction: 1, weights: nil)]
    /// Shuffle buckets per phase: each is held in memory once, so memory ≈ mix size / buckets.
    public var buckets = 4

    public enum Measure: String, Sendable, CaseIterable {
        case bytes, documents, tokens
    }

    public init() {}

    public init(settings: SettingsReader) throws {
        groupBy = try settings.string("group_by", default: groupBy)
        weights = try MixSettings.weights(settings.node("weights"), settings: settings, key: "weights")
        alpha = try settings.double("alpha") ?? alpha
        guard alpha >= 0 else { throw settings.error("alpha", "must be 0 or more") }
        total = try settings.double("total")
        if let total, total <= 0 { throw settings.error("total", "must be positive") }
        measure = Measure(rawValue: try settings.choice("measure", Measure.allCases.map(\.rawValue), default: "bytes"))!
        tokenizer = try settings.existingPath("tokenizer")
        if measure == .tokens {
            guard tokenizer != nil else { throw settings.missing("tokenizer", "must name a tokenizer file when measure is tokens") }
        } else if tokenizer != nil {
            throw settings.error("tokenizer", "is only used with measure: tokens")
        }
        maxEpochs = try settings.double("max_epochs") ?? maxEpochs
        guard maxEpochs > 0 else { throw settings.error("max_epochs", "must be positive") }
        buckets = try settings.int("buckets", default: buckets)
        guard buckets >= 1 else { throw settings.error("buckets", "must be at least 1") }
        if let node = settings.node("phases") {
            guard case let .sequence(items) = node.value, !items.isEmpty else {
                throw settings.error("phases", "must be a list of {name, fraction[, weights]}")
            }
            phases = try items.map { item in
                let phase = try SettingsReader(item, owner: "\(settings.owner) phase")
                guard let name = try phase.string("name"), !name.isEmpty, !name.contains("/") else {
                    throw phase.missing("name", "must be given (a file-name-safe word such as main or cooldown)")
                }
                guard let fraction = try phase.double("fraction"), fraction > 0, fraction <= 1 else {
                    throw phase.error("fraction", "must be in (0, 1]")
                }
                let own = try MixSettings.weights(phase.node("weights"), settings: phase, key: "weights")
                try phase.finish()
                return Phase(name: name, fraction: fraction, weights: own)
            }
            let sum = phases.reduce(0) { $0 + $1.fraction }
            guard abs(sum - 1) < 1e-6 else { throw settings.error("phases", "fractions add up to \(sum), not 1") }
            guard Set(phases.map(\.name)).count == phases.count else { throw settings.error("phases", "names must differ") }
        }
        try settings.finish()
    }

    static func weights(_ node: ConfigNode?, settings: SettingsReader, key: String) throws -> [String: Double]? {
        guard let node else { return nil }
        guard case let .mapping(entries) = node.value else { throw settings.error(key, "must map sources to weights") }
        var out: [String: Double] = [:]
        for (source, value) in entries {
            guard let text = value.scalar, let weight = Double(text), weight >= 0 else {
                throw settings.error(key, "'\(source)' must have a weight of 0 or more")
            }
            out[source] = weight
        }
        guard out.values.contains(where: { $0 > 0 }) else { throw settings.error(key, "must give some source a positive weight") }
        return out
    }
}
