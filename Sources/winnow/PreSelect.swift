import ArgumentParser
import WinnowClassifier
import WinnowCore
import WinnowPipeline

struct PreSelect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preselect",
        abstract: "PreSelect data selection: label documents by how well their losses predict benchmark scores.",
        subcommands: [Label.self])

    struct Label: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write fastText training lines (__label__1 / __label__0) from per-document losses of several models.")

        @Option(help: "JSONL of {\"id\", \"model\", \"bpc\"} (or \"total_loss\" in nats with \"characters\").")
        var losses: String
        @Option(help: "JSON of each model's benchmark score: {\"model\": score} or {\"model\": {\"avg\": score}}.")
        var benchmarks: String
        @Option(parsing: .upToNextOption, help: "JSONL shards (or folders) holding the documents' text, matched by id.")
        var documents: [String]
        @Option(help: "The fastText training file to write.")
        var output: String
        @Option(help: "Seed for the order of the training lines.")
        var seed: UInt64 = 0

        func run() throws {
            let summary = try reportingErrors { () -> String in
                var texts: [String: [UInt8]] = [:]
                for path in documents {
                    let shards = isDirectory(path) ? listDirectory(path).map { "\(path)/\($0)" }.filter(StepInputs.isShardName) : [path]
                    for shard in shards {
                        let reader = try ShardReader(path: shard)
                        while let record = try reader.next() {
                            if case let .document(doc, _) = record { texts[doc.id] = doc.text }
                        }
                    }
                }
                let labeller = PreSelectLabeller(benchmarks: try PreSelectInputs.benchmarks(path: benchmarks))
                let perDocument = try PreSelectInputs.losses(path: losses, characters: texts.mapValues { scalarCount($0) })
                let selection = labeller.select(losses: perDocument)
                let missing = (selection.positives + selection.negatives).filter { texts[$0] == nil }
                if let first = missing.first {
                    throw WinnowError.invalid("\(missing.count) labelled documents have no text in --documents (first: '\(first)')")
                }
                try PreSelectTrainingFile.write(positives: selection.positives, negatives: selection.negatives, texts: texts,
                                                seed: seed, to: output)
                return "\(perDocument.count) documents with losses (\(selection.incomplete) missing a model), "
                    + "\(labeller.comparablePairs) model pairs; agreement histogram \(selection.histogram); "
                    + "\(selection.positives.count) positives, \(selection.negatives.count) negatives → \(output)\n"
            }
            FileOutput.standardError(summary)
        }
    }
}
