import WinnowCore

/// A Bloom filter whose k bits for a key all lie in one 512-bit block (a cache line), so a
/// lookup costs one cache miss instead of k (Putze, Sanders & Singler, "Cache-, Hash- and
/// Space-Efficient Bloom Filters", 2007): a filter of gigabytes answers at memory speed. For
/// the same size it has a slightly higher false-positive rate than the textbook filter, because
/// keys do not spread evenly over blocks; `falsePositiveRate` computes the real figure (summed
/// over the Poisson distribution of keys per block), and sizing uses it, so the rate asked for
/// is the rate delivered.
struct BlockedBloomFilter {
    static let blockBits = 512
    private(set) var words: [UInt64]
    let blocks: Int
    let hashes: Int
    /// Keys added so far.
    private(set) var count = 0

    init(blocks: Int, hashes: Int) {
        self.blocks = blocks
        self.hashes = hashes
        words = [UInt64](repeating: 0, count: blocks * 8)
    }

    var bytes: Int { blocks * 64 }

    /// The smallest filter for `expected` keys at false-positive rate `rate`, with Dolma's
    /// k = ⌈(m/n)·ln 2⌉ (at most 16).
    init(expected: Int, falsePositiveRate rate: Double) {
        let n = Double(max(1, expected))
        // Start from the textbook optimum, m = −n·ln p / ln²2, and grow until blocking's
        // unevenness is paid for.
        var blocks = max(1, Int((-n * log(rate) / (log(2) * log(2)) / Double(Self.blockBits)).rounded(.up)))
        while Self.falsePositiveRate(blocks: blocks, hashes: Self.hashes(blocks: blocks, keys: expected), keys: expected) > rate {
            blocks += max(1, blocks / 20)
        }
        self.init(blocks: blocks, hashes: Self.hashes(blocks: blocks, keys: expected))
    }

    /// A filter of a given size in bytes, with k chosen for `expected` keys.
    init(bytes: Int, expected: Int) {
        let blocks = max(1, bytes / 64)
        self.init(blocks: blocks, hashes: Self.hashes(blocks: blocks, keys: expected))
    }

    static func hashes(blocks: Int, keys: Int) -> Int {
        let m = Double(blocks * blockBits), n = Double(max(1, keys))
        return min(16, max(1, Int((m / n * log(2)).rounded(.up))))
    }

    /// The chance that a key never added is reported present, once `keys` keys are in: a
    /// block holds j keys with Poisson probability (mean n·512/m), and then answers yes to an
    /// absent key with probability (1 − (1 − 1/512)^(k·j))^k.
    static func falsePositiveRate(blocks: Int, hashes k: Int, keys: Int) -> Double {
        let lambda = Double(keys) / Double(blocks)
        guard lambda > 0 else { return 0 }
        var total = 0.0
        let limit = Int(lambda + 12 * lambda.squareRoot() + 20)
        let missPerBit = 1 - 1 / Double(blockBits)
        for j in 0...limit {
            let logPoisson = -lambda + Double(j) * log(lambda) - lgamma(Double(j + 1))
            total += exp(logPoisson) * pow(1 - pow(missPerBit, Double(k * j)), Double(k))
        }
        return total
    }

    /// The rate now, from how many keys are in.
    var falsePositiveRate: Double { Self.falsePositiveRate(blocks: blocks, hashes: hashes, keys: count) }

    /// Adds a key (a 64-bit hash of it); returns whether it was already reported present.
    mutating func insert(_ key: UInt64) -> Bool {
        let (block, masks) = locate(key)
        var present = true
        words.withUnsafeMutableBufferPointer { w in
            for lane in 0..<8 where masks[lane] != 0 {
                if w[block + lane] & masks[lane] != masks[lane] { present = false }
                w[block + lane] |= masks[lane]
            }
        }
        count += 1
        return present
    }

    func contains(_ key: UInt64) -> Bool {
        let (block, masks) = locate(key)
        for lane in 0..<8 where words[block + lane] & masks[lane] != masks[lane] { return false }
        return true
    }

    /// The block of a key (first word index) and the bits to set in each of its eight words:
    /// the block from the key's high bits (Lemire's multiply-shift range reduction), the k bit
    /// positions as 9-bit slices of further SplitMix64 mixes.
    private func locate(_ key: UInt64) -> (Int, SIMD8<UInt64>) {
        let block = Int(key.multipliedFullWidth(by: UInt64(blocks)).high) * 8
        var masks = SIMD8<UInt64>(repeating: 0)
        var bits = SplitMix64.finalize(key)
        var left = 7
        for _ in 0..<hashes {
            if left == 0 {
                bits = SplitMix64.finalize(bits)
                left = 7
            }
            let position = Int(bits & 511)
            masks[position >> 6] |= 1 << UInt64(position & 63)
            bits >>= 9
            left -= 1
        }
        return (block, masks)
    }
}
