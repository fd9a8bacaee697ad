/// The `PolynomialHash` of every run of consecutive words, each in two multiplications, from
/// prefix hashes of the word sequence (optionally with a separator between words). Building a
/// run by `appending` costs n − 1 dependent steps, and the repetition measures hash every run of
/// n = 2…10 words; this costs one pass per document instead. Powers of the (odd) base are odd,
/// so they are invertible modulo 2^64 and a run's hash is exactly the one `appending` gives:
///
///     prefix(i + n) = start(i) · run(i, n)  ⇒  run.power = prefix.power · start.power⁻¹,
///                                              run.value = prefix.value − start.value · run.power
///
/// where `prefix(k)` hashes words 0..<k joined by the separator and `start(i)` is `prefix(i)`
/// followed by one separator for i ≥ 1, and empty for i = 0 (without a separator, `start(i)` is
/// `prefix(i)`).
public struct WordRunHashes: Sendable {
    /// `prefix(k).value` and `.power`, k = 0…count.
    @usableFromInline var prefixValues: [UInt64], prefixPowers: [UInt64]
    /// `start(k).value` and `start(k).power⁻¹`, k = 0…count.
    @usableFromInline var startValues: [UInt64], inverseStartPowers: [UInt64]

    public init(_ words: [PolynomialHash], separator: PolynomialHash? = nil) {
        let n = words.count
        prefixValues = [UInt64](repeating: 0, count: n + 1)
        prefixPowers = [UInt64](repeating: 1, count: n + 1)
        startValues = [UInt64](repeating: 0, count: n + 1)
        inverseStartPowers = [UInt64](repeating: 1, count: n + 1)
        let gap = separator ?? .empty
        var start = PolynomialHash.empty
        for k in 0..<n {
            let prefix = start.appending(words[k])
            prefixValues[k + 1] = prefix.value
            prefixPowers[k + 1] = prefix.power
            start = prefix.appending(gap)
            startValues[k + 1] = start.value
        }
        // One inversion for the whole sequence, then back to front: start(k)⁻¹ = start(k+1)⁻¹ · word · gap.
        var inverse = WordRunHashes.inverse(start.power)
        inverseStartPowers[n] = inverse
        for k in stride(from: n - 1, through: 0, by: -1) {
            inverse = inverse &* words[k].power &* gap.power
            inverseStartPowers[k] = inverse
        }
        if separator == nil { startValues = prefixValues }
    }

    /// The hash of words `i..<(i + n)` joined by the separator (n ≥ 1 when there is one: n words
    /// hold n − 1 separators).
    @inlinable @inline(__always)
    public func run(_ i: Int, _ n: Int) -> PolynomialHash {
        let power = prefixPowers[i + n] &* inverseStartPowers[i]
        return PolynomialHash(value: prefixValues[i + n] &- startValues[i] &* power, power: power)
    }

    /// x⁻¹ modulo 2^64 for odd x, by Newton's iteration (each step doubles the correct low bits;
    /// x is its own inverse modulo 8).
    static func inverse(_ x: UInt64) -> UInt64 {
        precondition(x & 1 == 1, "only odd numbers are invertible modulo 2^64")
        var y = x
        for _ in 0..<5 { y = y &* (2 &- x &* y) }
        return y
    }
}
