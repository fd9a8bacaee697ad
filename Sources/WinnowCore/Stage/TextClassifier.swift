/// A text classifier as stage modules other than the classifier's own see it (the language and
/// toxicity filters use fastText models through this, without importing WinnowClassifier).
public protocol TextClassifier: Sendable {
    var labels: [String] { get }
    /// Whether the labels' probabilities for a text sum to 1 (softmax, hierarchical softmax), so
    /// that few of them can be large; false when each label is scored on its own (one-vs-all).
    var probabilitiesSumToOne: Bool { get }
    /// A predictor for one thread (it keeps reusable buffers).
    func makePredictor() -> any TextPredictor
}

public protocol TextPredictor {
    /// Labels with their probabilities, best first: the top `k`, or all when `k` is nil. The
    /// text is read as one line: line breaks count as spaces.
    func predict(_ text: UnsafeBufferPointer<UInt8>, k: Int?) -> [(label: String, probability: Float)]
}

/// Opens classifier model files; handed to stages by the pipeline, which knows the formats.
public struct ClassifierLoader: Sendable {
    public let load: @Sendable (String) throws -> any TextClassifier

    public init(load: @escaping @Sendable (String) throws -> any TextClassifier) { self.load = load }

    /// For stages built where no classifier can be loaded (tests of other rules).
    public static let unavailable = ClassifierLoader { path in
        throw WinnowError.invalid("\(path): no classifier format is available here")
    }
}

extension TextPredictor {
    /// Predicts for a whole document: line breaks are read as spaces, as fastText models are
    /// trained and as datatrove and Dolma feed them (a raw newline would end fastText's line).
    public func predict(document text: [UInt8], k: Int?) -> [(label: String, probability: Float)] {
        text.withUnsafeBufferPointer { predict($0, k: k) }
    }

    /// The best label for a document's text, without fastText's `__label__` prefix; nil when
    /// the text has no known features.
    public func bestLabel(of text: [UInt8]) -> (label: String, probability: Float)? {
        let best = predict(document: text, k: 1).first
        return best.map { (String($0.label.dropFirst($0.label.hasPrefix("__label__") ? 9 : 0)), $0.probability) }
    }
}
