import Testing
import WinnowCore
@testable import WinnowDedup

/// The blocked Bloom filter: nothing added is ever missed, and the false-positive rate it
/// reports is the one measured on keys never added.
@Suite struct BloomFilterTests {
    @Test func noFalseNegativesAndTheRateItReports() {
        var filter = BlockedBloomFilter(expected: 100_000, falsePositiveRate: 0.01)
        #expect(BlockedBloomFilter.falsePositiveRate(blocks: filter.blocks, hashes: filter.hashes, keys: 100_000) <= 0.01)
        var random = SplitMix64(seed: 11)
        let added = (0..<100_000).map { _ in random.next() }
        for key in added { _ = filter.insert(key) }
        #expect(added.allSatisfy { filter.contains($0) })
        let trials = 400_000
        let falsePositives = (0..<trials).filter { _ in filter.contains(random.next()) }.count
        let measured = Double(falsePositives) / Double(trials)
        // Within a few binomial standard deviations of the computed rate.
        let predicted = filter.falsePositiveRate
        #expect(abs(measured - predicted) < 4 * (predicted / Double(trials)).squareRoot() + 1e-4, "\(measured) vs \(predicted)")
        #expect(predicted > 0.005 && predicted <= 0.01)
    }

    /// Blocking costs space: for the same rate the filter is larger than the textbook optimum
    /// (−n·ln p / ln²2 bits), by a bounded amount.
    @Test func sizedAboveTheTextbookOptimum() {
        for rate in [0.1, 0.01, 0.001, 1e-6] {
            let filter = BlockedBloomFilter(expected: 1_000_000, falsePositiveRate: rate)
            let textbook = -1e6 * log(rate) / (log(2) * log(2)) / 8
            #expect(Double(filter.bytes) >= textbook && Double(filter.bytes) < textbook * 1.8, "rate \(rate): \(filter.bytes) bytes")
        }
    }

    @Test func insertSaysWhetherTheKeyWasSeen() {
        var filter = BlockedBloomFilter(expected: 1000, falsePositiveRate: 1e-6)
        let first = filter.insert(42), second = filter.insert(42)
        #expect(!first && second && filter.count == 2)
    }
}
