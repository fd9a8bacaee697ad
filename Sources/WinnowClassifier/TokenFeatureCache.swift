import WinnowCore

/// What each token seen contributes to a line's features, remembered per `LineFeatures`: whether
/// it is a word or a label, its fastText hash (for word n-grams), and its ids — the word id then
/// its character n-gram buckets, or the label index. Computing that hashes the token, looks it up
/// in the dictionary and hashes every n-gram of it (about 3 per character for lid.176), reading
/// megabyte tables at random; text repeats its tokens, so most need one lookup here instead. The
/// ids are the same in the same order, so predictions do not change. Cleared when used with
/// another dictionary; bounded by `ByteKeyCache`.
struct TokenFeatureCache {
    private var cache = ByteKeyCache(maxEntries: 1 << 18)
    private var owner: ObjectIdentifier?
    /// The entry being built on a miss.
    private var entry: [UInt32] = []

    /// Entry layout: `[kind, hash, ids…]`.
    enum Kind: UInt32 { case word = 0, label = 1 }

    /// Empties the cache if it was filled for another dictionary.
    mutating func use(with dictionary: FastTextDictionary) {
        guard owner != ObjectIdentifier(dictionary) else { return }
        cache = ByteKeyCache(maxEntries: cache.maxEntries)
        owner = ObjectIdentifier(dictionary)
    }

    @inline(__always) func prefetchSlot(_ hash: UInt64) { cache.prefetchSlot(hash) }
    /// Whether the token is probably cached (see `ByteKeyCache.prefetchEntry`).
    @inline(__always) func prefetchEntry(_ hash: UInt64) -> Bool { cache.prefetchEntry(hash) }

    /// Calls `body` with the token's entry, computing it first with `describe` (which appends
    /// `[kind, hash, ids…]`) if it is not cached.
    @inline(__always)
    mutating func withEntry(_ token: UnsafeBufferPointer<UInt8>, hash: UInt64, describe: (inout [UInt32]) -> Void,
                            _ body: (UnsafeBufferPointer<UInt32>) -> Void) {
        let key = UnsafeRawBufferPointer(token)
        if cache.withValues(key, hash: hash, body) { return }
        entry.removeAll(keepingCapacity: true)
        describe(&entry)
        entry.withUnsafeBufferPointer { values in
            body(values)
            cache.insert(key, hash: hash, values: values)
        }
    }
}
