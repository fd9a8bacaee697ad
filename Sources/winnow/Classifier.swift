import ArgumentParser
import Foundation
import WinnowClassifier
import WinnowCore
import WinnowPipeline

struct Classifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train, apply and evaluate fastText-compatible classifiers (.bin and .ftz files).",
        subcommands: [Train.self, Predict.self, Test.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a supervised classifier on `__label__X text` lines; writes a fastText .bin.")

        @Option(help: "Training file: one example a line, labels are tokens starting with the label prefix.")
        var input: String
        @Option(help: "The model file to write (.bin, loadable by fastText).")
        var output: String
        @Option(help: "Size of word vectors.") var dim: Int32 = 100
        @Option(help: "Number of epochs.") var epoch: Int32 = 5
        @Option(help: "Learning rate.") var lr: Double = 0.1
        @Option(name: .customLong("word-ngrams"), help: "Max length of word n-grams.") var wordNgrams: Int32 = 1
        @Option(help: "Number of hash buckets for word and character n-grams.") var bucket: Int32 = 2_000_000
        @Option(name: .customLong("min-count"), help: "Minimal number of word occurrences.") var minCount: Int32 = 1
        @Option(name: .customLong("min-count-label"), help: "Minimal number of label occurrences.") var minCountLabel: Int32 = 0
        @Option(help: "Min length of character n-grams.") var minn: Int32 = 0
        @Option(help: "Max length of character n-grams (0: none).") var maxn: Int32 = 0
        @Option(help: "Loss: softmax, ns, hs or ova.") var loss = "softmax"
        @Option(help: "Negatives sampled (ns).") var neg: Int32 = 5
        @Option(name: .customLong("lr-update-rate"), help: "Tokens between learning-rate updates.") var lrUpdateRate: Int32 = 100
        @Option(help: "Label prefix.") var label = "__label__"
        @Option(help: "Threads (default: all cores).") var threads: Int?
        @Option(help: "Random seed.") var seed: UInt64 = 0

        func run() throws {
            guard let lossKind = FastTextArgs.Loss(name: loss) else {
                throw ValidationError("--loss must be softmax, ns, hs or ova, not '\(loss)'")
            }
            var args = FastTextArgs()
            args.dim = dim; args.epoch = epoch; args.lr = lr; args.wordNgrams = wordNgrams; args.bucket = bucket
            args.minCount = minCount; args.minCountLabel = minCountLabel; args.minn = minn; args.maxn = maxn
            args.loss = lossKind; args.neg = neg; args.lrUpdateRate = lrUpdateRate; args.labelPrefix = label
            args.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount; args.seed = seed
            let report = try reportingErrors {
                let (model, report) = try FastTextTrainer.train(inputPath: input, args: args)
                try model.save(to: output)
                return report
            }
            FileOutput.standardError("Read \(report.tokens) tokens, \(report.examples) lines; \(report.words) words, \(report.labels) labels; "
                + "average loss \(String(format: "%.6f", report.averageLoss)); \(String(format: "%.2f", report.seconds)) s\n")
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read lines from standard input and print `__label__X prob …` for each, as fastText's predict-prob does.")

        @Option(help: "A fastText .bin or .ftz model.") var model: String
        // `.unconditional` so `--k -1` reads -1 as the value rather than as an option.
        @Option(parsing: .unconditional, help: "Labels to print per line (-1: all).") var k = 1
        @Option(help: "Only labels with at least this probability.") var threshold: Float = 0

        func run() throws {
            let loaded = try reportingErrors { try FastTextModel(path: model) }
            let scratch = FastTextModel.Scratch(for: loaded)
            var out: [UInt8] = []
            let lines = LineReader(source: try reportingErrors { try FileSource(path: "/dev/stdin") })
            while try lines.nextLine({ (line: UnsafeRawBufferPointer) -> Void in
                let predictions = loaded.predict(line.assumingMemoryBound(to: UInt8.self), k: k < 0 ? nil : k,
                                                 threshold: threshold, scratch: scratch)
                out.append(contentsOf: predictions.map { "\($0.label) \(formatLikeCpp($0.probability))" }.joined(separator: " ").utf8)
                out.append(0x0A)
                if out.count > 1 << 16 { flush(&out) }
            }) != nil {}
            flush(&out)
        }

        private func flush(_ out: inout [UInt8]) {
            FileOutput.standardOutput(String(decoding: out, as: UTF8.self))
            out.removeAll(keepingCapacity: true)
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a model on labelled lines: prints N, P@k and R@k as fastText's test does.")

        @Option(help: "A fastText .bin or .ftz model.") var model: String
        @Option(help: "Labelled test file.") var input: String
        @Option(help: "Labels predicted per line.") var k = 1
        @Option(help: "Only labels with at least this probability.") var threshold: Float = 0

        func run() throws {
            let result = try reportingErrors {
                try FastTextModel(path: model).test(path: input, k: k, threshold: threshold)
            }
            FileOutput.standardOutput("N\t\(result.examples)\nP@\(k)\t\(formatLikeCpp(Float(result.precision), digits: 3))\n"
                + "R@\(k)\t\(formatLikeCpp(Float(result.recall), digits: 3))\n")
        }
    }
}

/// A float as C++'s `std::cout << value` prints it (`%g` with 6 significant digits by default).
func formatLikeCpp(_ value: Float, digits: Int = 6) -> String {
    String(format: "%.\(digits)g", Double(value))
}
