import WinnowCore

/// The `dedup` stage's settings (docs/stages/dedup.md). Keys that belong to another method are
/// refused by name, so a `bands:` under `method: exact` is an error, not a silent no-op.
public struct DedupSettings: Sendable {
    /// What makes two documents duplicates.
    public enum Method: String, Sendable, CaseIterable {
        /// The same text after `normalize`.
        case exact
        /// The same value of a metadata field (`metadata.url` unless `field:` says otherwise).
        case url
        /// Near duplicates: the same MinHash band of word (or character) shingles (LSH).
        case minhash
        /// Documents, lines or n-grams seen before in one pass, through a Bloom filter.
        case bloom
        /// Repeated stretches of text, cut out (exact-substring dedup with a suffix array).
        case substring
        /// Documents whose embeddings are nearly the same (SemDeDup).
        case semantic
    }

    /// Drop duplicates to `rejected/` (all but the kept one of each cluster), or keep every
    /// document and record its cluster in metadata.
    public enum Mode: String, Sendable, CaseIterable { case drop, tag }

    public var method: Method = .exact
    public var mode: Mode = .drop
    public var keep: KeepRule = .first
    /// `exact`: how text is normalised before hashing.
    public var normalization = TextNormalization()
    /// `url`: the metadata field compared.
    public var field = "url"
    /// `exact` and `url`: matching tasks (hash partitions); memory of the matching phase does
    /// not depend on it (it merges sorted runs), only how many tasks share the work.
    public var buckets = 8
    public var minhash = MinHashSettings()
    public var bloom = BloomSettings()
    public var substring = SubstringSettings()
    public var semantic = SemanticSettings()

    public init() {}

    /// Keys only some methods read, and which.
    static let methodKeys: [String: Set<Method>] = [
        "normalize": [.exact, .bloom], "field": [.url], "buckets": [.exact, .url, .semantic],
        "shingle": [.minhash], "ngram": [.minhash, .bloom], "bands": [.minhash], "rows": [.minhash], "hash": [.minhash],
        "precision": [.minhash], "seed": [.minhash], "simplify": [.minhash], "words": [.minhash],
        "unit": [.bloom], "threshold": [.bloom, .semantic], "expected_count": [.bloom], "false_positive_rate": [.bloom], "size": [.bloom],
        "model": [.semantic], "clusters": [.semantic], "iterations": [.semantic], "sample": [.semantic], "similarity": [.semantic],
        "min_bytes": [.substring], "remove": [.substring], "keep": [.exact, .url, .minhash],
    ]

    public init(settings: SettingsReader, embedders: EmbedderLoader = .unavailable) throws {
        let methodName = try settings.string("method", default: "exact")
        guard let method = Method(rawValue: methodName) else {
            throw settings.error("method", "must be one of \(Method.allCases.map(\.rawValue).joined(separator: ", ")), not '\(methodName)'")
        }
        self.method = method
        for (key, methods) in Self.methodKeys.sorted(by: { $0.key < $1.key }) where !methods.contains(method) && settings.node(key) != nil {
            throw settings.error(key, "applies to method: \(methods.map(\.rawValue).sorted().joined(separator: " or ")), not \(method.rawValue)")
        }
        mode = Mode(rawValue: try settings.choice("mode", Mode.allCases.map(\.rawValue), default: "drop"))!
        keep = try KeepRule(try settings.string("keep", default: "first"), settings: settings)
        switch method {
        case .exact:
            normalization = try TextNormalization(settings: settings)
        case .url:
            field = try settings.string("field", default: field)
        case .minhash:
            minhash = try MinHashSettings(settings: settings)
        case .bloom:
            bloom = try BloomSettings(settings: settings)
        case .substring:
            substring = try SubstringSettings(settings: settings)
        case .semantic:
            semantic = try SemanticSettings(settings: settings, embedders: embedders)
        }
        if method == .exact || method == .url {
            buckets = try settings.int("buckets", default: buckets)
            guard (1...4096).contains(buckets) else { throw settings.error("buckets", "must be between 1 and 4096") }
        }
    }
}

/// Which document of a cluster is kept.
public enum KeepRule: Sendable, Equatable {
    /// The first in input order (shard, then line).
    case first
    /// The highest (or lowest) value of a numeric metadata field; ties, and documents without
    /// the field, fall back to input order.
    case highest(String)
    case lowest(String)

    init(_ text: String, settings: SettingsReader) throws {
        let words = text.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("first", 1): self = .first
        case ("highest", 2): self = .highest(words[1])
        case ("lowest", 2): self = .lowest(words[1])
        default: throw settings.error("keep", "must be 'first', 'highest FIELD' or 'lowest FIELD'")
        }
    }

    /// Higher is kept first; input order breaks ties. Documents without the field come last.
    func priority(_ doc: Document) -> Double {
        switch self {
        case .first: return 0
        case let .highest(field): return Self.number(doc, field) ?? -.infinity
        case let .lowest(field): return Self.number(doc, field).map { -$0 } ?? -.infinity
        }
    }

    private static func number(_ doc: Document, _ field: String) -> Double? {
        guard let value = doc.metadata.value(atPath: field)?.doubleValue, !value.isNaN else { return nil }
        return value
    }
}
