import WinnowCore

/// The ids of pieces an encoder has already encoded: most words of a corpus repeat, so merges
/// (or a segmentation) run only on words not seen before. One per encoder, so no locks.
struct PieceCache {
    private var table = ByteKeyTable(capacity: 1 << 16)
    private var ends: [Int] = [0]
    private var ids: [UInt32] = []
    /// Above this many cached pieces the cache starts over (bounds memory on endless new text).
    static let limit = 1 << 20

    /// Appends the cached ids of `piece` to `out`; false when it is not cached.
    @inline(__always)
    func append(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64, to out: inout [UInt32]) -> Bool {
        guard let entry = table.find(piece, hash: hash) else { return false }
        // Element by element: an ArraySlice would retain and release the cache's buffer.
        for k in ends[entry]..<ends[entry + 1] { out.append(ids[k]) }
        return true
    }

    /// Remembers `out[from...]` as the ids of `piece`.
    @inline(__always)
    mutating func insert(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64, ids out: [UInt32], from: Int) {
        if table.count >= Self.limit {
            table.removeAll()
            ends = [0]
            ids.removeAll(keepingCapacity: true)
        }
        _ = table.insert(piece, hash: hash)
        for k in from..<out.count { ids.append(out[k]) }
        ends.append(ids.count)
    }
}
