import WinnowCore

/// The `dedup` stage's settings (docs/stages/dedup.md).
public struct DedupSettings: Sendable, Equatable {
    /// What makes two documents duplicates.
    public enum Method: String, Sendable, CaseIterable {
        /// The same text after `normalize`.
        case exact
        /// The same value of a metadata field (`metadata.url` unless `field:` says otherwise).
        case url
    }

    /// Drop duplicates to `rejected/` (all but the kept one of each cluster), or keep every
    /// document and record its cluster in metadata.
    public enum Mode: String, Sendable, CaseIterable { case drop, tag }

    /// Which document of a cluster is kept.
    public enum Keep: Sendable, Equatable {
        /// The first in input order (shard, then line).
        case first
        /// The highest (or lowest) value of a numeric metadata field; ties, and documents
        /// without the field, fall back to input order.
        case highest(String)
        case lowest(String)
    }

    public var method: Method = .exact
    public var mode: Mode = .drop
    public var normalization = TextNormalization()
    public var field = "url"
    public var keep: Keep = .first
    /// Hash buckets, one matching task each: a matching task holds about 40 bytes plus the id
    /// of every document of its bucket, so memory is (40 + id bytes) × documents / buckets.
    public var buckets = 16

    public init() {}

    /// Methods the issue names that are not built yet, refused with that said plainly.
    static let later = ["minhash", "bloom", "substring", "semantic"]

    public init(settings: SettingsReader) throws {
        let methodName = try settings.string("method", default: "exact")
        if Self.later.contains(methodName) {
            throw settings.error("method", "'\(methodName)' is not built yet; this version has \(Method.allCases.map(\.rawValue).joined(separator: " and "))")
        }
        guard let method = Method(rawValue: methodName) else {
            throw settings.error("method", "must be one of \(Method.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.method = method
        mode = Mode(rawValue: try settings.choice("mode", Mode.allCases.map(\.rawValue), default: "drop"))!
        if let steps = try settings.strings("normalize") {
            guard method == .exact else { throw settings.error("normalize", "applies to method: exact only") }
            for step in steps {
                guard let known = TextNormalization.Step(rawValue: step) else {
                    throw settings.error("normalize", "'\(step)' is not one of \(TextNormalization.Step.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                normalization.steps.insert(known)
            }
        }
        field = try settings.string("field", default: field)
        if method == .exact, settings.node("field") != nil { throw settings.error("field", "applies to method: url only") }
        let keepText = try settings.string("keep", default: "first")
        let words = keepText.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("first", 1): keep = .first
        case ("highest", 2): keep = .highest(words[1])
        case ("lowest", 2): keep = .lowest(words[1])
        default: throw settings.error("keep", "must be 'first', 'highest FIELD' or 'lowest FIELD'")
        }
        buckets = try settings.int("buckets", default: buckets)
        guard (1...4096).contains(buckets) else { throw settings.error("buckets", "must be between 1 and 4096") }
    }
}
