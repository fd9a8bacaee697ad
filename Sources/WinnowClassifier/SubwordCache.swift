import WinnowCore

/// The character n-gram features of each token seen, remembered per `LineFeatures`: computing
/// them hashes every n-gram of the token (about 3 per character for lid.176), while text repeats
/// its tokens, so most lines need only lookups. The features are the same ids in the same order,
/// so predictions do not change. Cleared whole when it holds `maxEntries` tokens, and when used
/// with another dictionary.
struct SubwordCache {
    private var table = ByteKeyTable(capacity: 1 << 14)
    /// Token e's features are `features[starts[e]..<starts[e + 1]]`.
    private var features: [Int32] = []
    private var starts: [Int] = [0]
    private var owner: ObjectIdentifier?

    static let maxEntries = 1 << 17

    /// Appends the features `compute` gives for `token` (computing them once per token).
    @inline(__always)
    mutating func append(_ token: UnsafeBufferPointer<UInt8>, of dictionary: FastTextDictionary, into out: inout [Int32],
                         compute: (UnsafeBufferPointer<UInt8>, inout [Int32]) -> Void) {
        let hash = ByteKeyTable.hash(token)
        if owner == ObjectIdentifier(dictionary), let entry = table.find(token, hash: hash) {
            let range = starts[entry]..<starts[entry + 1]
            features.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
            return
        }
        if owner != ObjectIdentifier(dictionary) || table.count >= SubwordCache.maxEntries {
            table.removeAll()
            features.removeAll(keepingCapacity: true)
            starts = [0]
            owner = ObjectIdentifier(dictionary)
        }
        let first = out.count
        compute(token, &out)
        _ = table.insert(token, hash: hash)
        features.append(contentsOf: out[first...])
        starts.append(features.count)
    }
}
