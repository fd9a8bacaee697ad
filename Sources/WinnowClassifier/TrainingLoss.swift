import WinnowCore

import Foundation

/// Per-thread buffers for training.
struct TrainingState {
    var hidden: [Float]
    var gradient: [Float]
    var scores: [Float]
    var random: SplitMix64
    var negativePosition = 0

    init(dim: Int, labels: Int, seed: UInt64) {
        hidden = [Float](repeating: 0, count: dim)
        gradient = [Float](repeating: 0, count: dim)
        scores = [Float](repeating: 0, count: labels)
        random = SplitMix64(seed: seed)
        negativePosition = Int(seed % 1000)
    }
}

/// One SGD step of fastText's supervised model for each loss (`model.cc`, `loss.cc`):
/// hidden = mean of the input rows; the loss adds its gradient to the output rows it touches
/// and accumulates the input gradient, which is averaged over the features and added to every
/// input row used.
struct TrainingLoss: @unchecked Sendable {
    let loss: FastTextArgs.Loss
    let negatives: Int
    /// Labels drawn in proportion to count^0.5 (ns), shuffled.
    let negativeTable: [Int32]

    init(model: FastTextModel, seed: UInt64) {
        loss = model.args.loss
        negatives = Int(model.args.neg)
        var table: [Int32] = []
        if loss == .ns {
            let counts = model.dictionary.labelCounts.map { Double($0).squareRoot() }
            let z = counts.reduce(0, +)
            let size = 10_000_000.0
            for (i, c) in counts.enumerated() {
                table.append(contentsOf: repeatElement(Int32(i), count: Int(c * size / z)))
            }
            var random = SplitMix64(seed: seed)
            table.shuffle(using: &random)
        }
        negativeTable = table
    }

    /// One update; returns the example's loss.
    func update(_ example: Examples.Example, lr: Float, model: FastTextModel, state: inout TrainingState) -> Float {
        let input = model.input as! DenseMatrix
        let output = model.output as! DenseMatrix
        let dim = input.cols
        let features = example.features
        return state.hidden.withUnsafeMutableBufferPointer { hiddenBuffer in
            state.gradient.withUnsafeMutableBufferPointer { gradBuffer in
                let hidden = hiddenBuffer.baseAddress!, grad = gradBuffer.baseAddress!
                hidden.update(repeating: 0, count: dim)
                for id in features { input.add(row: Int(id), scaled: 1, to: hidden) }
                let scale = Float(1.0 / Double(features.count))
                for j in 0..<dim { hidden[j] *= scale }
                grad.update(repeating: 0, count: dim)

                var value: Float = 0
                func logistic(_ label: Int, positive: Bool) {
                    let score = SigmoidTable.shared.sigmoid(output.dot(row: label, hidden))
                    let alpha = lr * ((positive ? 1 : 0) - score)
                    output.add(row: label, scaled: alpha, to: grad)
                    output.addToRow(label, hidden, scaled: alpha)
                    value -= logf(max(positive ? score : 1 - score, 1e-5))
                }
                switch loss {
                case .softmax:
                    let target = Int(example.labels[example.labels.startIndex + state.random.below(example.labels.count)])
                    state.scores.withUnsafeMutableBufferPointer { scores in
                        model.computeOutput(hidden: hidden, into: scores)
                        for i in 0..<scores.count {
                            let alpha = lr * ((i == target ? 1 : 0) - scores[i])
                            output.add(row: i, scaled: alpha, to: grad)
                            output.addToRow(i, hidden, scaled: alpha)
                        }
                        value = -logf(max(scores[target], 1e-5))
                    }
                case .ns:
                    let target = Int(example.labels[example.labels.startIndex + state.random.below(example.labels.count)])
                    logistic(target, positive: true)
                    for _ in 0..<negatives {
                        var negative: Int
                        repeat {
                            negative = Int(negativeTable[state.negativePosition])
                            state.negativePosition = (state.negativePosition + 1) % negativeTable.count
                        } while negative == target && model.dictionary.nlabels > 1
                        logistic(negative, positive: false)
                    }
                case .hs:
                    let target = Int(example.labels[example.labels.startIndex + state.random.below(example.labels.count)])
                    let tree = model.tree!
                    for (node, code) in zip(tree.paths[target], tree.codes[target]) { logistic(Int(node), positive: code) }
                case .ova:
                    for i in 0..<Int(model.dictionary.nlabels) { logistic(i, positive: example.labels.contains(Int32(i))) }
                }
                for j in 0..<dim { grad[j] *= scale }
                for id in features { input.addToRow(Int(id), grad, scaled: 1) }
                return value
            }
        }
    }
}
