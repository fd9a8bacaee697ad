import Testing
import WinnowCore
@testable import WinnowClassifier

/// `push(_:keeping:)`'s one-label shortcut keeps what fastText's push-then-pop keeps, ties and
/// NaN included (scores drawn from a few values so that ties are common).
@Suite struct StdHeapTests {
    @Test func keepingMatchesPushThenPop() {
        var random = SplitMix64(seed: 11)
        for k in 1...3 {
            for _ in 0..<200 {
                var fast = StdHeap(), slow = StdHeap()
                for label in 0..<Int32(random.next() % 12) {
                    let drawn = random.next() % 5
                    let element = (score: drawn == 4 ? Float.nan : Float(drawn), label: label)
                    fast.push(element, keeping: k)
                    slow.push(element)
                    if slow.count > k { slow.popFront() }
                }
                #expect(fast.items.map(\.label) == slow.items.map(\.label), "k = \(k)")
                #expect(fast.items.map(\.score.bitPattern) == slow.items.map(\.score.bitPattern), "k = \(k)")
            }
        }
    }
}
