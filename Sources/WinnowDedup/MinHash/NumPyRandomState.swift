/// The numbers `numpy.random.RandomState(seed).randint(low, high, dtype=np.uint64)` draws,
/// which is how datatrove (and NeMo Curator) pick MinHash permutations: without the same
/// permutations, the same documents get different signatures and clusters cannot be compared.
///
/// RandomState is MT19937 (Matsumoto & Nishimura 1998) seeded by `init_genrand`; a uint64 draw
/// is two 32-bit outputs, the first as the high half; a bounded draw masks it to the smallest
/// power of two above the range and rejects values past the range (NumPy's legacy "masked"
/// sampler). Checked against NumPy's output in the tests.
struct NumPyRandomState {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    mutating func next32() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    mutating func next64() -> UInt64 {
        let high = UInt64(next32())
        return high << 32 | UInt64(next32())
    }

    /// A uniform integer in `low..<high` (`randint(low, high, dtype=np.uint64)`), for ranges
    /// wider than 2^32 (narrower ones NumPy draws from buffered 32-bit outputs instead).
    mutating func randint(_ low: UInt64, _ high: UInt64) -> UInt64 {
        let range = high - low - 1
        precondition(high > low && range > UInt64(UInt32.max))
        let mask = UInt64.max >> range.leadingZeroBitCount
        while true {
            let value = next64() & mask
            if value <= range { return low + value }
        }
    }

    private mutating func twist() {
        for k in 0..<624 {
            let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7FFF_FFFF)
            state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 == 1 ? 0x9908_B0DF : 0)
        }
        index = 0
    }
}
