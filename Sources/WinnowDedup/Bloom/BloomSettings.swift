import WinnowCore

/// `method: bloom` settings: one pass over the corpus in input order with a Bloom filter of
/// what has been seen, as Dolma's `dedupe` and DCLM's BFF do; whatever was seen before is a
/// duplicate. The filter is sized from `expected_count` keys and `false_positive_rate` (or
/// given as `size:`), and its real rate is reported at the end.
public struct BloomSettings: Sendable, Equatable {
    public enum Unit: String, Sendable, CaseIterable {
        /// The whole text (Dolma's document dedup): a document seen before is dropped.
        case document
        /// Each line (Dolma's paragraph dedup): lines seen before are cut out of the text; a
        /// document left with none is dropped.
        case paragraph
        /// Word n-grams (DCLM's BFF): a line whose n-grams were at least `threshold` seen is
        /// cut, and a document whose n-grams were is dropped.
        case ngram
    }

    public var unit: Unit = .paragraph
    public var ngram = 13
    public var threshold = 0.8
    public var normalization = TextNormalization()
    /// Keys the filter is sized for: documents, lines or n-grams, by `unit`.
    public var expectedCount: Int?
    public var falsePositiveRate = 0.001
    /// A fixed filter size in bytes instead of `expected_count`.
    public var size: Int?

    public init() {}

    init(settings: SettingsReader) throws {
        unit = Unit(rawValue: try settings.choice("unit", Unit.allCases.map(\.rawValue), default: unit.rawValue))!
        if unit == .ngram {
            ngram = try settings.int("ngram", default: ngram)
            guard (1...1000).contains(ngram) else { throw settings.error("ngram", "must be between 1 and 1000") }
            threshold = try settings.double("threshold") ?? threshold
            guard threshold > 0, threshold <= 1 else { throw settings.error("threshold", "must be above 0 and at most 1") }
        } else {
            for key in ["ngram", "threshold"] where settings.node(key) != nil { throw settings.error(key, "applies to unit: ngram") }
        }
        normalization = try TextNormalization(settings: settings)
        expectedCount = try settings.int("expected_count")
        falsePositiveRate = try settings.double("false_positive_rate") ?? falsePositiveRate
        guard falsePositiveRate > 0, falsePositiveRate < 1 else { throw settings.error("false_positive_rate", "must be between 0 and 1") }
        if let text = try settings.string("size") {
            guard let bytes = ByteSize.parse(text), bytes >= 64 else { throw settings.error("size", "must be a size such as 512MB") }
            size = bytes
        }
        guard expectedCount != nil || size != nil else {
            throw settings.error("method", "bloom needs expected_count: (how many \(unit == .document ? "documents" : unit == .paragraph ? "lines" : "n-grams") the corpus has, roughly) or size:; 9.6 bits per key give a 1% false-positive rate")
        }
        if let expectedCount, expectedCount < 1 { throw settings.error("expected_count", "must be at least 1") }
    }

    /// The filter these settings ask for.
    func makeFilter() -> BlockedBloomFilter {
        if let size { return BlockedBloomFilter(bytes: size, expected: expectedCount ?? size * 8 / 10) }
        return BlockedBloomFilter(expected: expectedCount!, falsePositiveRate: falsePositiveRate)
    }
}
