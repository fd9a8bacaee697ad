import WinnowCore

/// A fastText model behind WinnowCore's `TextClassifier`, for stages that may not import this
/// module (the tag stage's domain labels). Text is prepared as the score stage prepares it.
public struct FastTextTextClassifier: TextClassifier {
    let model: FastTextModel
    let scratch: FastTextModel.Scratch
    private var line: [UInt8] = []

    public init(path: String) throws {
        model = try FastTextModel(path: path)
        scratch = FastTextModel.Scratch(for: model)
    }

    public mutating func classify(_ text: [UInt8]) -> (label: String, probability: Float)? {
        TextPreparation().apply(text, into: &line)
        let best = line.withUnsafeBufferPointer { model.predict($0, k: 1, scratch: scratch) }.first
        return best.map { (String($0.label.dropFirst($0.label.hasPrefix("__label__") ? 9 : 0)), $0.probability) }
    }
}
