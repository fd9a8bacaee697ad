/// Document embeddings as stage modules other than the classifier's own see them (semantic
/// dedup embeds with a fastText model through this, without importing WinnowClassifier).
public protocol TextEmbedder: Sendable {
    /// Numbers per vector.
    var dimension: Int { get }
    /// An embedder for one thread (it keeps reusable buffers).
    func makeEmbedding() -> any DocumentEmbedding
}

public protocol DocumentEmbedding {
    /// Writes the text's vector (`dimension` numbers) into `vector`; false when the text has
    /// nothing the model knows (no vector). Line breaks count as spaces.
    mutating func embed(_ text: UnsafeBufferPointer<UInt8>, into vector: UnsafeMutableBufferPointer<Float>) -> Bool
}

/// Opens embedding model files; handed to stages by the pipeline, which knows the formats.
public struct EmbedderLoader: Sendable {
    public let load: @Sendable (String) throws -> any TextEmbedder

    public init(load: @escaping @Sendable (String) throws -> any TextEmbedder) { self.load = load }

    /// For stages built where no model can be loaded (tests of other methods).
    public static let unavailable = EmbedderLoader { path in
        throw WinnowError.invalid("\(path): no embedding model format is available here")
    }
}
