import Foundation
import Testing
import WinnowCore
import WinnowClassifier

/// The language rule asks lid.176 for its best two labels instead of all 176 (at most 1/0.65 + 1
/// labels can score above the default 0.65): the tree search with the smaller k must give the
/// same best label and probability, and the same labels above the bound.
@Suite struct TopLabelSearchTests {
    static let root = String(#filePath.dropLast("Tests/WinnowClassifierTests/TopLabelSearchTests.swift".count))

    @Test func fewLabelsAgreeWithAllOnTheSamples() throws {
        let model = try FastTextModel(path: TopLabelSearchTests.root + "Samples/models/lid.176.ftz")
        let scratch = FastTextModel.Scratch(for: model)
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: TopLabelSearchTests.root + "Samples/web").sorted()
        where name.hasSuffix(".jsonl.zst") {
            let reader = try ShardReader(path: TopLabelSearchTests.root + "Samples/web/" + name)
            // The first 60 documents of each shard (a debug build predicts slowly).
            var read = 0
            while read < 60, let record = try reader.next() {
                read += 1
                guard case let .document(doc, _) = record else { continue }
                let all = doc.text.withUnsafeBufferPointer { model.predict($0, k: nil, newlinesAsSpaces: true, scratch: scratch) }
                for k in [1, 2] {
                    let few = doc.text.withUnsafeBufferPointer { model.predict($0, k: k, newlinesAsSpaces: true, scratch: scratch) }
                    #expect(few.first?.label == all.first?.label, "\(doc.id), k = \(k)")
                    #expect(few.first?.probability == all.first?.probability, "\(doc.id), k = \(k)")
                }
                let two = doc.text.withUnsafeBufferPointer { model.predict($0, k: 2, newlinesAsSpaces: true, scratch: scratch) }
                #expect(two.filter { $0.probability > 0.65 }.map(\.label) == all.filter { $0.probability > 0.65 }.map(\.label), "\(doc.id)")
                checked += 1
            }
        }
        #expect(checked >= 200)
    }
}
