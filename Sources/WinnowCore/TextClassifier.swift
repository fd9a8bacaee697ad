/// A text classifier as stages outside WinnowClassifier see it (the tag stage's domain labels):
/// text bytes in, the best label and its probability out. Made once per task; `classify` is
/// called from that task's thread only.
public protocol TextClassifier {
    /// The best label of `text` (without fastText's `__label__`), or nil when the text has no
    /// features the model knows.
    mutating func classify(_ text: [UInt8]) -> (label: String, probability: Float)?
}
