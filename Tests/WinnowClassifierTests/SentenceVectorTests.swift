import Foundation
import Testing
import WinnowCore
@testable import WinnowClassifier

/// fastText models as embedders (what semantic dedup uses): the vectors must be
/// `get_sentence_vector`'s, made by the real fastText (Scripts/fixtures/fasttext_sentence_vectors.py).
@Suite struct SentenceVectorTests {
    /// (text, vectors by model) per line.
    static let rows: [(text: String, vectors: [String: [Float]])] = {
        let text = (try? String(contentsOfFile: "\(FastTextFixtureTests.fixtures)/sentence-vectors.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            var vectors: [String: [Float]] = [:]
            for (key, value) in row { if let numbers = value as? [Double] { vectors[key] = numbers.map(Float.init) } }
            return (row["text"] as? String ?? "", vectors)
        }
    }()

    @Test(arguments: ["softmax.bin", "plain.ftz", "lid.176.ftz"])
    func vectorsAreFastTexts(model name: String) throws {
        let path = name == "lid.176.ftz" ? "\(FastTextFixtureTests.fixtures)/../../../Samples/models/lid.176.ftz"
                                         : "\(FastTextFixtureTests.fixtures)/\(name)"
        let model: any TextEmbedder = try FastTextModel(path: path)
        var embedding = model.makeEmbedding()
        #expect(Self.rows.count == 100)
        var worst: Float = 0
        for row in Self.rows {
            let expected = row.vectors[name] ?? []
            var vector = [Float](repeating: 0, count: model.dimension)
            var text = row.text
            let found = text.withUTF8 { t in vector.withUnsafeMutableBufferPointer { embedding.embed(t, into: $0) } }
            #expect(found && expected.count == model.dimension)
            for (a, b) in zip(vector, expected) { worst = max(worst, abs(a - b)) }
        }
        #expect(worst < 1e-5, "largest difference \(worst)")
    }
}
