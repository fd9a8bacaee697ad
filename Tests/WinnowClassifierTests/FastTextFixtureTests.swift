import Foundation
import Testing
import WinnowCore
@testable import WinnowClassifier

/// Models and predictions made by the real fastText (Scripts/fixtures/fasttext_models.py):
/// every prediction must come out the same, labels in the same order and probabilities within 1e-4.
@Suite struct FastTextFixtureTests {
    static let fixtures = String(#filePath.dropLast("FastTextFixtureTests.swift".count)) + "Fixtures"

    struct Case {
        var text: String
        var expected: [String: (labels: [String], probs: [Double])]
    }

    static let cases: [Case] = {
        let text = (try? String(contentsOfFile: "\(fixtures)/predictions.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let text = object["text"] as? String, let models = object["models"] as? [String: [String: Any]] else { return nil }
            var expected: [String: (labels: [String], probs: [Double])] = [:]
            for (name, prediction) in models {
                expected[name] = (prediction["labels"] as? [String] ?? [], prediction["probs"] as? [Double] ?? [])
            }
            return Case(text: text, expected: expected)
        }
    }()

    @Test(arguments: ["softmax.bin", "hs.bin", "ns.bin", "ova.bin", "plain.ftz", "pruned.ftz"])
    func predictsLikeFastText(model name: String) throws {
        let model = try FastTextModel(path: "\(FastTextFixtureTests.fixtures)/\(name)")
        #expect(FastTextFixtureTests.cases.count == 2000)
        let scratch = FastTextModel.Scratch(for: model)
        var mismatches = 0
        for c in FastTextFixtureTests.cases {
            guard let expected = c.expected[name] else { Issue.record("no expectation for \(name)"); continue }
            var text = c.text
            let got = text.withUTF8 { model.predict($0, k: 5, scratch: scratch) }
            let sameLabels = got.map(\.label) == expected.labels
            let closeProbs = got.count == expected.probs.count
                && zip(got, expected.probs).allSatisfy { abs(Double($0.probability) - $1) <= 1e-4 }
            if !sameLabels || !closeProbs {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record("\(name): \(c.text.prefix(60)) → \(got.map { "\($0.label) \($0.probability)" }) expected \(zip(expected.labels, expected.probs).map { "\($0) \($1)" })")
                }
            }
        }
        #expect(mismatches == 0)
    }
}
