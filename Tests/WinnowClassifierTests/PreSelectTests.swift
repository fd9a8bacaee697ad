import Testing
@testable import WinnowClassifier

@Suite struct PreSelectTests {
    // Three models, better benchmark = lower loss expected: c > b > a.
    let labeller = PreSelectLabeller(benchmarks: ["a": 70, "b": 75, "c": 80])

    @Test func countsAgreeingPairs() {
        #expect(labeller.comparablePairs == 3)
        #expect(labeller.agreement(losses: ["a": 1.2, "b": 1.0, "c": 0.8]) == 3)  // perfect
        #expect(labeller.agreement(losses: ["a": 0.8, "b": 1.0, "c": 1.2]) == 0)  // reversed
        #expect(labeller.agreement(losses: ["a": 1.0, "b": 1.2, "c": 0.8]) == 2)  // a<b wrong, a>c and b>c right
        #expect(labeller.agreement(losses: ["a": 1.0, "b": 1.0, "c": 0.9]) == 2)  // a tie agrees with nothing
        #expect(labeller.agreement(losses: ["a": 1.0, "b": 1.0]) == nil)
    }

    @Test func tiedBenchmarksAreNotComparable() {
        #expect(PreSelectLabeller(benchmarks: ["a": 1, "b": 1, "c": 2]).comparablePairs == 2)
    }

    @Test func positivesArePerfectAndNegativesTheLeastAgreeing() {
        let losses: [String: [String: Double]] = [
            "p1": ["a": 3, "b": 2, "c": 1], "p2": ["a": 9, "b": 5, "c": 4],
            "n0": ["a": 1, "b": 2, "c": 3], "n1": ["a": 2, "b": 1, "c": 3], "m2": ["a": 2, "b": 3, "c": 1],
            "x": ["a": 1],
        ]
        let selection = labeller.select(losses: losses)
        #expect(selection.positives == ["p1", "p2"])
        #expect(selection.negatives == ["n0", "n1"])
        #expect(selection.incomplete == 1)
        #expect(selection.histogram == [1, 1, 1, 2])
    }
}
