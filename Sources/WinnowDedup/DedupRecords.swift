import WinnowCore

/// One document's signature, as phase 0 writes it and phase 1 matches it: the digest of its
/// key, where it is (index of its shard among the step's sorted inputs, 1-based line), its
/// priority for `keep:` and its id (for `duplicate_of`).
struct Signature {
    var digest: StableHash.Digest
    var shard: UInt32
    var line: UInt32
    var priority: Double
    var id: [UInt8]

    func write(to out: inout BinaryWriter) {
        out.scalar(digest.high)
        out.scalar(digest.low)
        out.scalar(shard)
        out.scalar(line)
        out.float64(priority)
        out.scalar(UInt32(id.count))
        out.append(id)
    }

    static func read(_ reader: inout BinaryReader) throws -> Signature {
        let high = try reader.scalar(UInt64.self, "digest")
        let low = try reader.scalar(UInt64.self, "digest")
        let shard = try reader.scalar(UInt32.self, "shard")
        let line = try reader.scalar(UInt32.self, "line")
        let priority = try reader.float64("priority")
        let length = Int(try reader.scalar(UInt32.self, "id length"))
        let id = Array(try reader.raw(length, "id"))
        return Signature(digest: StableHash.Digest(high: high, low: low), shard: shard, line: line, priority: priority, id: id)
    }
}

/// What phase 1 decided for one document of a cluster of two or more, written per input
/// shard for phase 2: its line, whether it is the kept one, the cluster's size and digest, and
/// the kept document's id.
struct ClusterMember {
    var line: UInt32
    var isKept: Bool
    var size: UInt32
    var cluster: StableHash.Digest
    var keptID: [UInt8]

    func write(to out: inout BinaryWriter) {
        out.scalar(line)
        out.scalar(UInt8(isKept ? 1 : 0))
        out.scalar(size)
        out.scalar(cluster.high)
        out.scalar(cluster.low)
        out.scalar(UInt32(keptID.count))
        out.append(keptID)
    }

    static func read(_ reader: inout BinaryReader) throws -> ClusterMember {
        let line = try reader.scalar(UInt32.self, "line")
        let kept = try reader.uint8("kept flag")
        let size = try reader.scalar(UInt32.self, "cluster size")
        let high = try reader.scalar(UInt64.self, "cluster")
        let low = try reader.scalar(UInt64.self, "cluster")
        let length = Int(try reader.scalar(UInt32.self, "id length"))
        return ClusterMember(line: line, isKept: kept == 1, size: size, cluster: StableHash.Digest(high: high, low: low),
                             keptID: Array(try reader.raw(length, "kept id")))
    }
}
