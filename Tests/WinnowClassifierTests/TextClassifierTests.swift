import Foundation
import Testing
import WinnowCore
import WinnowClassifier

/// A fastText model behind WinnowCore's TextClassifier (the tag stage's domain labels, the
/// language and toxicity rules) gives fastText's best label, without `__label__`.
@Suite struct TextClassifierTests {
    @Test func givesTheBestLabelWithoutItsPrefix() throws {
        let path = FastTextFixtureTests.fixtures + "/softmax.bin"
        let predictor = try FastTextModel.loader.load(path).makePredictor()
        let model = try FastTextModel(path: path)
        for fixture in FastTextFixtureTests.cases.prefix(50) {
            let expected = model.predict(fixture.text.replacingOccurrences(of: "\n", with: " "), k: 1).first
            let got = predictor.bestLabel(of: Array(fixture.text.utf8))
            #expect(got.map { "__label__" + $0.label } == expected?.label)
            #expect(got?.probability == expected?.probability)
        }
    }
}
