import WinnowCore

/// The character n-gram features of each token seen, remembered per `LineFeatures`: computing
/// them hashes every n-gram of the token (about 3 per character for lid.176) and reads a
/// megabytes-large bucket table at random, while text repeats its tokens, so most lines need
/// only lookups. The features are the same ids in the same order, so predictions do not change.
/// Cleared when used with another dictionary; bounded by `ByteKeyCache`.
struct SubwordCache {
    private var cache = ByteKeyCache(maxEntries: 1 << 17)
    private var owner: ObjectIdentifier?

    @inline(__always) func prefetchSlot(_ hash: UInt64) { cache.prefetchSlot(hash) }
    @inline(__always) func prefetchEntry(_ hash: UInt64) { cache.prefetchEntry(hash) }

    /// Appends the features `compute` gives for `token` (whose `ByteKeyCache.hash` is `hash`),
    /// computing them once per token.
    @inline(__always)
    mutating func append(_ token: UnsafeBufferPointer<UInt8>, hash: UInt64, of dictionary: FastTextDictionary, into out: inout [Int32],
                         compute: (UnsafeBufferPointer<UInt8>, inout [Int32]) -> Void) {
        let key = UnsafeRawBufferPointer(token)
        if owner == ObjectIdentifier(dictionary) {
            let found = cache.withValues(key, hash: hash) { values in
                values.withMemoryRebound(to: Int32.self) { out.append(contentsOf: $0) }
            }
            if found { return }
        } else {
            cache = ByteKeyCache(maxEntries: cache.maxEntries)
            owner = ObjectIdentifier(dictionary)
        }
        let first = out.count
        compute(token, &out)
        out.withUnsafeBufferPointer { features in
            UnsafeBufferPointer(rebasing: features[first...]).withMemoryRebound(to: UInt32.self) {
                cache.insert(key, hash: hash, values: $0)
            }
        }
    }
}
