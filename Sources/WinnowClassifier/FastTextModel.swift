import Foundation
import WinnowCore

/// A fastText supervised model: read from `.bin` or `.ftz`, written as `.bin`, and used to
/// predict labels exactly as fastText's `predict` does (same features, same float32 arithmetic,
/// same sigmoid table, same top-k heap; probabilities include fastText's +1e-5).
public final class FastTextModel: @unchecked Sendable {
    public let args: FastTextArgs
    public let dictionary: FastTextDictionary
    let input: any FastTextMatrix
    let output: any FastTextMatrix
    let tree: HuffmanTree?

    static let magic: Int32 = 793_712_314
    static let version: Int32 = 12

    init(args: FastTextArgs, dictionary: FastTextDictionary, input: any FastTextMatrix, output: any FastTextMatrix) {
        self.args = args
        self.dictionary = dictionary
        self.input = input
        self.output = output
        tree = args.loss == .hs ? HuffmanTree(counts: dictionary.labelCounts) : nil
    }

    public var labels: [String] { dictionary.labels }
    public var isQuantized: Bool { input is QuantMatrix }

    /// Reads a fastText `.bin` (version 11 or 12) or quantised `.ftz` file.
    public convenience init(path: String) throws {
        var r = try BinaryReader(path: path)
        let magic = try r.int32("magic number")
        guard magic == FastTextModel.magic else {
            throw r.error("not a fastText model (magic number \(magic), expected \(FastTextModel.magic))")
        }
        let version = try r.int32("version")
        guard version == 11 || version == 12 else {
            throw r.error("fastText model version \(version) is not supported (11 and 12 are)")
        }
        var args = try FastTextArgs.read(&r)
        guard args.kind == .supervised else {
            throw r.error("this is an unsupervised (\(args.kind)) model; only supervised classifiers are supported")
        }
        if version == 11 { args.maxn = 0 }
        let dictionary = try FastTextDictionary.read(&r, args: args)
        let quantInput = try r.uint8("quant_input flag") != 0
        let input: any FastTextMatrix = quantInput ? try QuantMatrix.read(&r, what: "input matrix")
                                                   : try DenseMatrix.read(&r, what: "input matrix")
        if !quantInput && dictionary.pruneIndex != nil {
            throw r.error("a pruned dictionary needs a quantised input matrix")
        }
        let qout = try r.uint8("qout flag") != 0
        let output: any FastTextMatrix = quantInput && qout ? try QuantMatrix.read(&r, what: "output matrix")
                                                            : try DenseMatrix.read(&r, what: "output matrix")
        guard r.remaining == 0 else { throw r.error("\(r.remaining) unexpected bytes after the output matrix") }
        let expectedRows = Int(dictionary.nwords) + (dictionary.pruneIndex.map { $0.count } ?? Int(args.bucket))
        guard input.cols == Int(args.dim), output.cols == Int(args.dim), output.rows >= Int(dictionary.nlabels),
              dictionary.pruneIndex != nil || input.rows == expectedRows else {
            throw WinnowError.invalid("\(path): matrix shapes (input \(input.rows)×\(input.cols), output \(output.rows)×\(output.cols)) do not fit dim \(args.dim), \(dictionary.nwords) words, \(dictionary.nlabels) labels, bucket \(args.bucket)")
        }
        guard dictionary.nlabels > 0 else { throw WinnowError.invalid("\(path): the model has no labels, so it cannot classify") }
        // Rows are looked up without bounds checks when predicting: a pruned index's rows
        // (after the words' rows) must be inside the input matrix.
        if let prune = dictionary.pruneIndex {
            let ngramRows = input.rows - Int(dictionary.nwords)
            guard ngramRows >= 0 else {
                throw WinnowError.invalid("\(path): the input matrix's \(input.rows) rows are fewer than the \(dictionary.nwords) words")
            }
            if let bad = prune.first(where: { $0.value < 0 || Int($0.value) >= ngramRows }) {
                throw WinnowError.invalid("\(path): pruned n-gram bucket \(bad.key) points at row \(bad.value), outside the input matrix's \(max(ngramRows, 0)) n-gram rows")
            }
        }
        self.init(args: args, dictionary: dictionary, input: input, output: output)
    }

    /// Writes the model as a fastText `.bin` file (version 12), atomically.
    public func save(to path: String) throws {
        var w = BinaryWriter()
        w.scalar(FastTextModel.magic)
        w.scalar(FastTextModel.version)
        args.write(&w)
        dictionary.write(&w)
        let quantized = input is QuantMatrix
        w.scalar(UInt8(quantized ? 1 : 0))
        input.write(&w)
        w.scalar(UInt8(quantized && output is QuantMatrix ? 1 : 0))
        output.write(&w)
        try writeFileAtomically(path, w.bytes)
    }

    // MARK: prediction

    /// One prediction: a label and its probability as fastText reports it.
    public struct Prediction: Sendable, Equatable {
        public var label: String
        public var probability: Float
    }

    /// Reusable buffers, so predicting allocates nothing per line. One per thread.
    public final class Scratch {
        let line = LineFeatures()
        var hidden: [Float]
        var scores: [Float]

        public init(for model: FastTextModel) {
            hidden = [Float](repeating: 0, count: Int(model.args.dim))
            scores = [Float](repeating: 0, count: model.output.rows)
        }
    }

    /// The top `k` labels (all when k is nil) with probability ≥ threshold, for one line of text
    /// (a newline inside it ends the line, as in fastText, unless `newlinesAsSpaces`), as
    /// Python's `model.predict` returns them.
    public func predict(_ text: UnsafeBufferPointer<UInt8>, k: Int? = 1, threshold: Float = 0, newlinesAsSpaces: Bool = false,
                        scratch: Scratch) -> [Prediction] {
        dictionary.features(of: text, endOfLine: true, newlinesAsSpaces: newlinesAsSpaces, into: scratch.line)
        return predict(features: scratch.line.words, k: k, threshold: threshold, scratch: scratch).map {
            Prediction(label: dictionary.label($0.label), probability: Float(exp(Double($0.score))))
        }
    }

    public func predict(_ text: String, k: Int? = 1, threshold: Float = 0) -> [Prediction] {
        var copy = text
        let scratch = Scratch(for: self)
        return copy.withUTF8 { predict($0, k: k, threshold: threshold, scratch: scratch) }
    }

    /// (log-probability, label index) pairs, best first; the log includes fastText's +1e-5.
    func predict(features: [Int32], k: Int?, threshold: Float, scratch: Scratch) -> [StdHeap.Element] {
        guard !features.isEmpty else { return [] }
        let limit = k ?? Int(dictionary.nlabels)
        scratch.hidden.withUnsafeMutableBufferPointer { hidden in
            computeHidden(features, into: hidden.baseAddress!)
        }
        var heap = StdHeap()
        scratch.hidden.withUnsafeBufferPointer { hidden in
            if let tree {
                tree.predict(k: limit, threshold: threshold, hidden: hidden.baseAddress!, output: output, heap: &heap)
            } else {
                scratch.scores.withUnsafeMutableBufferPointer { scores in
                    computeOutput(hidden: hidden.baseAddress!, into: scores)
                    FastTextModel.findBest(k: limit, threshold: threshold, scores: scores, heap: &heap)
                }
            }
        }
        return heap.sorted()
    }

    /// hidden = mean of the feature rows.
    func computeHidden(_ features: [Int32], into hidden: UnsafeMutablePointer<Float>) {
        let dim = Int(args.dim)
        hidden.update(repeating: 0, count: dim)
        input.sum(rows: features, into: hidden)
        let scale = Float(1.0 / Double(features.count))
        for j in 0..<dim { hidden[j] *= scale }
    }

    /// Label scores: softmax for `softmax`, per-label sigmoids (fastText's table) for `ns`/`ova`.
    func computeOutput(hidden: UnsafePointer<Float>, into scores: UnsafeMutableBufferPointer<Float>) {
        let n = Int(dictionary.nlabels)
        for i in 0..<n { scores[i] = output.dot(row: i, hidden) }
        if args.loss == .softmax {
            var maximum = scores[0]
            for i in 0..<n { maximum = max(scores[i], maximum) }
            var z: Float = 0
            for i in 0..<n {
                scores[i] = expf(scores[i] - maximum)
                z += scores[i]
            }
            for i in 0..<n { scores[i] /= z }
        } else {
            for i in 0..<n { scores[i] = SigmoidTable.shared.sigmoid(scores[i]) }
        }
    }

    /// fastText's `std_log`: log(p + 1e-5), in double, returned as float.
    @inline(__always)
    static func stdLog(_ p: Float) -> Float { Float(log(Double(p) + 1e-5)) }

    static func findBest(k: Int, threshold: Float, scores: UnsafeMutableBufferPointer<Float>, heap: inout StdHeap) {
        for i in 0..<scores.count {
            if scores[i] < threshold { continue }
            let score = stdLog(scores[i])
            if heap.count == k && score < heap.front.score { continue }
            heap.push((score, Int32(i)), keeping: k)
        }
    }
}

/// fastText's sigmoid lookup table (512 steps over [-8, 8]), used for ns/ova/hs predictions.
struct SigmoidTable: Sendable {
    static let shared = SigmoidTable()
    static let size = 512
    static let maxSigmoid: Float = 8
    let values: [Float]

    init() {
        values = (0...SigmoidTable.size).map { i in
            let x = Float(i * 2 * Int(SigmoidTable.maxSigmoid)) / Float(SigmoidTable.size) - SigmoidTable.maxSigmoid
            return Float(1.0 / (1.0 + exp(-Double(x))))
        }
    }

    @inline(__always)
    func sigmoid(_ x: Float) -> Float {
        if x < -SigmoidTable.maxSigmoid { return 0 }
        if x > SigmoidTable.maxSigmoid { return 1 }
        let i = Int((x + SigmoidTable.maxSigmoid) * Float(SigmoidTable.size) / SigmoidTable.maxSigmoid / 2)
        return values[i]
    }
}

extension FastTextModel {
    /// The index of a label, given with or without the label prefix.
    public func labelIndex(_ name: String) -> Int32? {
        let names = labels
        if let i = names.firstIndex(of: name) { return Int32(i) }
        if let i = names.firstIndex(of: args.labelPrefix + name) { return Int32(i) }
        return nil
    }

    /// One label's probability for a line, as `predict(k: all)` would report it.
    public func probability(of label: Int32, in text: UnsafeBufferPointer<UInt8>, scratch: Scratch) -> Float {
        dictionary.features(of: text, endOfLine: true, into: scratch.line)
        let predictions = predict(features: scratch.line.words, k: nil, threshold: 0, scratch: scratch)
        guard let hit = predictions.first(where: { $0.label == label }) else { return 0 }
        return Float(exp(Double(hit.score)))
    }
}

extension FastTextModel: TextClassifier {
    public func makePredictor() -> any TextPredictor { FastTextPredictor(model: self) }

    public var probabilitiesSumToOne: Bool { args.loss == .softmax || args.loss == .hs }

    /// The loader the pipeline hands to stages that take a classifier model file.
    public static let loader = ClassifierLoader { try FastTextModel(path: $0) }
}

final class FastTextPredictor: TextPredictor {
    let model: FastTextModel
    let scratch: FastTextModel.Scratch

    init(model: FastTextModel) {
        self.model = model
        scratch = FastTextModel.Scratch(for: model)
    }

    func predict(_ text: UnsafeBufferPointer<UInt8>, k: Int?) -> [(label: String, probability: Float)] {
        model.predict(text, k: k, newlinesAsSpaces: true, scratch: scratch).map { ($0.label, $0.probability) }
    }
}

/// fastText's sentence vector as an embedding: for a supervised model, the mean of the input
/// rows of the text's words, subwords and word n-grams (with the end-of-line token), exactly
/// what `model.get_sentence_vector(text)` returns and what prediction starts from.
extension FastTextModel: TextEmbedder {
    public var dimension: Int { Int(args.dim) }

    public func makeEmbedding() -> any DocumentEmbedding { FastTextEmbedding(model: self) }

    /// The loader the pipeline hands to stages that take an embedding model file.
    public static let embedderLoader = EmbedderLoader { try FastTextModel(path: $0) }
}

struct FastTextEmbedding: DocumentEmbedding {
    let model: FastTextModel
    let scratch: FastTextModel.Scratch

    init(model: FastTextModel) {
        self.model = model
        scratch = FastTextModel.Scratch(for: model)
    }

    mutating func embed(_ text: UnsafeBufferPointer<UInt8>, into vector: UnsafeMutableBufferPointer<Float>) -> Bool {
        model.dictionary.features(of: text, endOfLine: true, newlinesAsSpaces: true, into: scratch.line)
        guard !scratch.line.words.isEmpty else { return false }
        model.computeHidden(scratch.line.words, into: vector.baseAddress!)
        return true
    }
}
