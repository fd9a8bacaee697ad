import Foundation
import Testing

/// `winnow classifier …` and the `score` stage through the real binary.
@Suite(.serialized) struct ClassifierCLITests {
    static let fixtures = CLI.repoRoot + "/Tests/WinnowClassifierTests/Fixtures"

    /// Labelled lines from the fixture predictions' texts: the language fastText's softmax model chose.
    func labelledLines(_ count: Int) throws -> String {
        let text = try String(contentsOfFile: "\(ClassifierCLITests.fixtures)/predictions.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").prefix(count).map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let models = object["models"] as? [String: [String: Any]] ?? [:]
            let label = (models["softmax.bin"]?["labels"] as? [String])?.first ?? "__label__none"
            return "\(label) \(object["text"] as? String ?? "")"
        }.joined(separator: "\n") + "\n"
    }

    @Test func trainPredictAndTest() throws {
        let dir = try CLI.temporaryDirectory("classifier")
        try labelledLines(1500).write(toFile: "\(dir)/train.txt", atomically: true, encoding: .utf8)
        let train = try CLI.run(["classifier", "train", "--input", "\(dir)/train.txt", "--output", "\(dir)/model.bin",
                                 "--dim", "16", "--epoch", "10", "--lr", "0.5", "--word-ngrams", "2", "--bucket", "20000"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("1500 lines"))
        let test = try CLI.run(["classifier", "test", "--model", "\(dir)/model.bin", "--input", "\(dir)/train.txt"])
        #expect(test.status == 0)
        let lines = test.stdout.split(separator: "\n")
        #expect(lines.first == "N\t1500")
        #expect(lines.count == 3 && lines[1].hasPrefix("P@1\t") && lines[2].hasPrefix("R@1\t"))
        let precision = Double(lines[1].dropFirst(4)) ?? 0
        #expect(precision > 0.8, "training-set P@1 \(precision)")
    }

    @Test func predictPrintsLikeFastText() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["classifier", "predict", "--model", "\(ClassifierCLITests.fixtures)/softmax.bin", "--k", "2"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("السابق دفتر مدير دبيان التالي\n\nDebian\n".utf8))
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = printed.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("__label__ar 0.99"))
        #expect(lines[0].split(separator: " ").count == 4)
        // An empty line still holds fastText's end-of-line token, so it gets a prediction too
        // (fastText's Python predict("") gives the same: __label__en 1.00001, __label__ar 1e-05).
        #expect(lines[1] == "__label__en 1.00001 __label__ar 1e-05")
    }

    @Test func scoreStageKeepsTheTopFractionOfTheWholeCorpus() throws {
        let dir = try CLI.temporaryDirectory("score")
        let yaml = """
            name: score
            workdir: \(dir)/run
            input: [Samples/web/*.jsonl.zst]
            steps:
              - id: english
                stage: score
                from: input
                model: \(ClassifierCLITests.fixtures)/softmax.bin
                label: en
                field: english
                newlines: space
                top_fraction: 0.25
                top_by: documents
            """
        let path = try CLI.writePipeline(yaml, in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        let threshold = try CLI.json(String(contentsOfFile: "\(dir)/run/english/threshold.json", encoding: .utf8))
        #expect(threshold["documents"] as? Int == 560)
        let achieved = threshold["achieved_fraction"] as? Double ?? 0
        #expect(achieved >= 0.25 && achieved < 0.27)
        let kept = try CLI.json(try CLI.run(["inspect", "\(dir)/run/english/output", "--json"]).stdout)
        #expect(kept["documents"] as? Int == Int((achieved * 560).rounded()))
        let english = (kept["metadata"] as? [String: Any])?["english"] as? [String: Any]
        let minimum = (english?["numbers"] as? [String: Double])?["min"] ?? -1
        #expect(Float(minimum) >= Float(threshold["threshold"] as? Double ?? 2))
        let rejected = try CLI.json(try CLI.run(["inspect", "\(dir)/run/english/rejected", "--json"]).stdout)
        #expect((kept["documents"] as? Int ?? 0) + (rejected["documents"] as? Int ?? 0) == 560)
    }

    @Test func scoreSettingsAreChecked() throws {
        let dir = try CLI.temporaryDirectory("score-bad")
        let yaml = """
            name: bad
            workdir: \(dir)/run
            input: [Samples/web/*.jsonl.zst]
            steps:
              - id: s
                stage: score
                from: input
                model: \(dir)/missing.bin
                label: en
            """
        let result = try CLI.run(["run", try CLI.writePipeline(yaml, in: dir)])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'model' names '\(dir)/missing.bin', which does not exist"))
    }
}

@Suite struct PreSelectCLITests {
    @Test func labelsTheToyLosses() throws {
        let dir = try CLI.temporaryDirectory("preselect")
        let result = try CLI.run(["preselect", "label", "--losses", "Pipelines/preselect/losses.jsonl",
                                  "--benchmarks", "Pipelines/preselect/benchmarks.json", "--documents", "Samples/web",
                                  "--output", "\(dir)/train.txt"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("560 documents with losses (0 missing a model), 6 model pairs"))
        let lines = try String(contentsOfFile: "\(dir)/train.txt", encoding: .utf8).split(separator: "\n")
        let positives = lines.filter { $0.hasPrefix("__label__1 ") }.count
        let negatives = lines.filter { $0.hasPrefix("__label__0 ") }.count
        #expect(positives + negatives == lines.count)
        #expect(positives > 0 && negatives > 0 && negatives <= positives)
        #expect(result.stderr.contains("\(positives) positives, \(negatives) negatives"))
    }
}
