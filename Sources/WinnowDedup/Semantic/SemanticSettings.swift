import WinnowCore

/// `method: semantic` settings: SemDeDup (Abbas et al. 2023, arXiv 2303.09540) on CPUs, as
/// NeMo Curator offers it on GPUs — documents embedded with a fastText model, grouped by
/// k-means, and within each group any document at least `threshold` cosine-similar to an
/// earlier one is a duplicate of it.
public struct SemanticSettings: Sendable {
    /// How similarity matrices are multiplied: OpenBLAS's sgemm, or a plain Swift loop (the
    /// benchmark measures one against the other; results agree to float rounding).
    public enum Similarity: String, Sendable, CaseIterable { case blas, loop }

    public var model = ""
    public var embedder: (any TextEmbedder)?
    public var clusters = 64
    /// Cosine similarity at which a document duplicates an earlier one (SemDeDup's 1 − ε).
    public var threshold: Float = 0.95
    public var iterations = 20
    /// Documents k-means is trained on at most (a deterministic, evenly spread sample).
    public var sample = 100_000
    /// Phase-2 tasks; each holds the vectors of its share of the clusters.
    public var buckets = 8
    public var similarity: Similarity = .blas

    public init() {}

    init(settings: SettingsReader, embedders: EmbedderLoader) throws {
        guard let path = try settings.existingPath("model") else {
            throw settings.error("method", "semantic needs model: (a fastText .bin or .ftz file; its sentence vectors are the embeddings)")
        }
        model = path
        do { embedder = try embedders.load(path) } catch { throw settings.error("model", "cannot be loaded: \(error)") }
        clusters = try settings.int("clusters", default: clusters)
        guard (1...1_000_000).contains(clusters) else { throw settings.error("clusters", "must be between 1 and 1000000") }
        threshold = Float(try settings.double("threshold") ?? Double(threshold))
        guard threshold > 0, threshold <= 1 else { throw settings.error("threshold", "must be a cosine similarity above 0, at most 1") }
        iterations = try settings.int("iterations", default: iterations)
        guard (1...1000).contains(iterations) else { throw settings.error("iterations", "must be between 1 and 1000") }
        sample = try settings.int("sample", default: sample)
        guard sample >= clusters else { throw settings.error("sample", "must be at least clusters: (\(clusters))") }
        buckets = try settings.int("buckets", default: buckets)
        guard (1...4096).contains(buckets) else { throw settings.error("buckets", "must be between 1 and 4096") }
        similarity = Similarity(rawValue: try settings.choice("similarity", Similarity.allCases.map(\.rawValue), default: similarity.rawValue))!
    }
}
