import Foundation
import Testing
import WinnowCore
import WinnowClassifier

/// The fastText model behind WinnowCore's TextClassifier (the tag stage's domain labels) gives
/// fastText's best label, without `__label__`, for the fixture's texts.
@Suite struct TextClassifierTests {
    @Test func givesTheBestLabelWithoutItsPrefix() throws {
        let path = FastTextFixtureTests.fixtures + "/softmax.bin"
        var classifier = try FastTextTextClassifier(path: path)
        let model = try FastTextModel(path: path)
        for fixture in FastTextFixtureTests.cases.prefix(50) {
            let expected = model.predict(fixture.text.replacingOccurrences(of: "\n", with: " "), k: 1).first
            let got = classifier.classify(Array(fixture.text.utf8))
            #expect(got.map { "__label__" + $0.label } == expected?.label)
            #expect(got?.probability == expected?.probability)
        }
    }
}
