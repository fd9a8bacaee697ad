import WinnowCore

/// Semantic dedup's files between phases, under the step's folder, all sealed:
///
///     embeddings/<shard>.bin   phase 0: each embedded document's line, id and unit vector
///     centroids.bin            phase 1: the k-means centroids
///     buckets/<b>.bin          phase 1: the vectors of the clusters c with c mod buckets = b
///     decisions/<b>.bin        phase 2: the duplicates found in bucket b, and what of
struct SemanticFiles {
    let root: String

    func embeddings(shard: Int) -> String { "\(root)/embeddings/\(ShardNaming.fiveDigits(shard)).bin" }
    var centroids: String { "\(root)/centroids.bin" }
    func bucket(_ b: Int) -> String { "\(root)/buckets/\(ShardNaming.fiveDigits(b)).bin" }
    func decisions(_ b: Int) -> String { "\(root)/decisions/\(ShardNaming.fiveDigits(b)).bin" }
}

/// One embedded document: where it is, its id (for `duplicate_of`), its cluster (once
/// known) and its unit vector.
struct EmbeddedDocument {
    var cluster: Int
    var shard: Int
    var line: Int
    var id: [UInt8]
    var vector: [Float]

    func write(to out: SealedFileWriter) throws {
        var header = BinaryWriter()
        header.scalar(UInt32(cluster))
        header.scalar(UInt32(shard))
        header.scalar(UInt32(line))
        header.scalar(UInt32(id.count))
        header.append(id)
        try header.bytes.withUnsafeBytes { try out.append($0) }
        try vector.withUnsafeBytes { try out.append($0) }
    }

    /// The next record of a file written by `write`, or nil at its end.
    static func read(_ reader: SealedFileReader, dimension: Int) throws -> EmbeddedDocument? {
        guard let header = try reader.next(16) else { return nil }
        func field(_ k: Int) -> Int { Int(UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))) }
        let (cluster, shard, line, idLength) = (field(0), field(1), field(2), field(3))
        let id = idLength > 0 ? Array(try reader.next(idLength) ?? UnsafeRawBufferPointer(start: nil, count: 0)) : []
        guard id.count == idLength, let numbers = try reader.next(4 * dimension) else {
            throw DamagedIntermediate(path: reader.path, reason: "a record is cut short", producer: reader.producer)
        }
        let vector = (0..<dimension).map { Float(bitPattern: UInt32(littleEndian: numbers.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        return EmbeddedDocument(cluster: cluster, shard: shard, line: line, id: id, vector: vector)
    }
}

/// A document phase 2 found to duplicate an earlier one of its cluster.
struct SemanticDuplicate {
    var shard: Int
    var line: Int
    var similarity: Float
    var keptID: [UInt8]

    func write(to out: inout BinaryWriter) {
        out.scalar(UInt32(shard))
        out.scalar(UInt32(line))
        out.scalar(similarity.bitPattern)
        out.scalar(UInt32(keptID.count))
        out.append(keptID)
    }

    static func readAll(_ path: String, bucket: Int) throws -> [SemanticDuplicate] {
        var reader = try SealedFile.read(path, writtenBy: PhaseTask(phase: 2, rank: bucket))
        var found: [SemanticDuplicate] = []
        while reader.remaining > 0 {
            let shard = Int(try reader.scalar(UInt32.self, "shard"))
            let line = Int(try reader.scalar(UInt32.self, "line"))
            let similarity = Float(bitPattern: try reader.scalar(UInt32.self, "similarity"))
            let length = Int(try reader.scalar(UInt32.self, "kept id length"))
            found.append(SemanticDuplicate(shard: shard, line: line, similarity: similarity, keptID: Array(try reader.raw(length, "kept id"))))
        }
        return found
    }
}
