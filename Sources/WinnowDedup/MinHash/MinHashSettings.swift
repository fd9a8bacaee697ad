import WinnowCore

/// `method: minhash` settings. The defaults are datatrove's `MinhashConfig` (word 5-shingles
/// after `simplify_text`, spaCy's English word rules, XXH64, 14 bands of 8 rows, 64-bit hashes,
/// permutations from NumPy's `RandomState(1)`), so the same corpus gives the same clusters.
/// NeMo Curator's defaults are `shingle: chars`, `ngram: 24`, `bands: 20`, `rows: 13`.
public struct MinHashSettings: Sendable, Equatable {
    public enum Shingle: String, Sendable, CaseIterable {
        /// `ngram` consecutive words joined by one space (datatrove).
        case words
        /// `ngram` consecutive characters (NeMo Curator).
        case chars
    }

    public enum ShingleHash: String, Sendable, CaseIterable {
        /// XXH64 (datatrove's default).
        case xxhash
        /// The first eight bytes of SHA-1, little-endian (FineWeb's production setting).
        case sha1
    }

    public enum Words: String, Sendable, CaseIterable {
        /// spaCy's rule-based English tokenizer, as datatrove's default `language=en` uses.
        case spacy_en
        /// Runs of non-space characters.
        case whitespace
    }

    public var shingle: Shingle = .words
    public var ngram = 5
    public var bands = 14
    public var rows = 8
    public var hash: ShingleHash = .xxhash
    /// 32 masks every permuted hash to its low 32 bits (datatrove's `precision=32`).
    public var precision = 64
    /// Seeds NumPy's MT19937 for the permutations' a and b.
    public var seed: UInt32 = 1
    /// datatrove's `simplify_text` before shingling: lowercase, numbers to 0, punctuation to
    /// spaces, whitespace collapsed, accents dropped.
    public var simplify = true
    public var words: Words = .spacy_en

    public init() {}

    init(settings: SettingsReader) throws {
        shingle = Shingle(rawValue: try settings.choice("shingle", Shingle.allCases.map(\.rawValue), default: shingle.rawValue))!
        ngram = try settings.int("ngram", default: shingle == .chars ? 24 : 5)
        guard (1...1000).contains(ngram) else { throw settings.error("ngram", "must be between 1 and 1000") }
        bands = try settings.int("bands", default: bands)
        rows = try settings.int("rows", default: rows)
        guard (1...1024).contains(bands) else { throw settings.error("bands", "must be between 1 and 1024") }
        guard (1...256).contains(rows) else { throw settings.error("rows", "must be between 1 and 256") }
        hash = ShingleHash(rawValue: try settings.choice("hash", ShingleHash.allCases.map(\.rawValue), default: hash.rawValue))!
        precision = try settings.int("precision", default: precision)
        guard precision == 32 || precision == 64 else { throw settings.error("precision", "must be 32 or 64") }
        let seedValue = try settings.int("seed", default: Int(seed))
        guard let seed = UInt32(exactly: seedValue) else { throw settings.error("seed", "must be between 0 and 2^32 - 1 (NumPy's rule)") }
        self.seed = seed
        simplify = try settings.bool("simplify", default: simplify)
        words = Words(rawValue: try settings.choice("words", Words.allCases.map(\.rawValue), default: words.rawValue))!
        if shingle == .chars, settings.node("words") != nil { throw settings.error("words", "applies to shingle: words") }
    }
}
