import WinnowCore

/// Where the cluster methods keep their files between phases, under the step's folder. Every
/// file is sealed (`SealedFile`): a damaged one is found and its writer redone.
///
///     signatures/p<P>/<rank>-<run>.bin   phase 0: sorted runs of (key, document) for partition P
///     signatures/manifest-<rank>.bin     phase 0: the rank's shards, their lines, its run count
///     documents/<shard>.bin              phase 0: every document's id (and priority) by line
///     edges/p<P>.bin                     phase 1: pairs of documents sharing a key in P
///     clusters/<shard>.bin               phase 2: each clustered document's decision, by line
struct ClusterFiles {
    let root: String

    init(stepDirectory: String) { root = stepDirectory }

    var signatures: String { "\(root)/signatures" }
    func run(partition: Int, rank: Int, run: Int) -> String { "\(signatures)/p\(partition)/\(ShardNaming.fiveDigits(rank))-\(run).bin" }
    func manifest(rank: Int) -> String { "\(signatures)/manifest-\(ShardNaming.fiveDigits(rank)).bin" }
    func documents(shard: Int) -> String { "\(root)/documents/\(ShardNaming.fiveDigits(shard)).bin" }
    func edges(partition: Int) -> String { "\(root)/edges/p\(partition).bin" }
    var clusters: String { "\(root)/clusters" }
    func decisions(shard: Int) -> String { "\(clusters)/\(ShardNaming.fiveDigits(shard)).bin" }

    /// The manifests phase 0's ranks have written, as they are.
    func writtenManifests() throws -> [SignatureManifest] {
        try listDirectory(signatures).filter { $0.hasPrefix("manifest-") && $0.hasSuffix(".bin") }.compactMap { name in
            guard let rank = Int(name.dropFirst("manifest-".count).dropLast(".bin".count)) else { return nil }
            return try SignatureManifest.read(manifest(rank: rank), rank: rank)
        }
    }

    /// Every rank's manifest, checked to cover each input shard exactly once, so a missing or
    /// stale manifest cannot make a later phase work on part of the corpus.
    func manifests(inputShards: [String]) throws -> [SignatureManifest] {
        var manifests: [SignatureManifest] = []
        var owner = [Int?](repeating: nil, count: inputShards.count)
        for manifest in try writtenManifests() {
            let rank = manifest.rank
            for shard in manifest.shards {
                guard shard.index < inputShards.count, inputShards[shard.index] == shard.path, owner[shard.index] == nil else {
                    throw DamagedIntermediate(path: self.manifest(rank: rank), reason: "does not match the step's input shards",
                                              producer: PhaseTask(phase: 0, rank: rank))
                }
                owner[shard.index] = rank
            }
            manifests.append(manifest)
        }
        if let missing = owner.firstIndex(where: { $0 == nil }) {
            throw WinnowError.invalid("\(signatures): no signatures of input shard \(inputShards[missing]); redo the step with --from")
        }
        return manifests
    }
}

/// A document's place: its shard's index among the step's sorted inputs and its 1-based line.
/// Ordered as the input is, so the smallest of a cluster is its first document.
struct DocumentRef: Hashable, Comparable {
    var value: UInt64
    init(shard: Int, line: Int) { value = UInt64(shard) << 32 | UInt64(line) }
    init(value: UInt64) { self.value = value }
    var shard: Int { Int(value >> 32) }
    var line: Int { Int(value & 0xFFFF_FFFF) }
    static func < (a: DocumentRef, b: DocumentRef) -> Bool { a.value < b.value }
    /// How clusters are named in metadata and by `winnow inspect --cluster`: `shard:line` of
    /// the cluster's first document.
    var name: String { "\(shard):\(line)" }
}

/// One band key of one document, as runs hold them: 24 bytes, sorted by key then document.
struct KeyRecord: Comparable {
    static let size = 24
    var high: UInt64
    var low: UInt64
    var ref: UInt64

    static func < (a: KeyRecord, b: KeyRecord) -> Bool { (a.high, a.low, a.ref) < (b.high, b.low, b.ref) }
    func sameKey(_ other: KeyRecord) -> Bool { high == other.high && low == other.low }

    init(high: UInt64, low: UInt64, ref: UInt64) {
        self.high = high
        self.low = low
        self.ref = ref
    }

    init(_ bytes: UnsafeRawBufferPointer) {
        high = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        low = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        ref = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
    }

    func write(to out: SealedFileWriter) throws {
        try withUnsafeBytes(of: (high.littleEndian, low.littleEndian, ref.littleEndian)) { try out.append($0) }
    }
}

/// What a phase-0 task read: its run count and, per shard, the shard's path, index and number
/// of lines (the highest line number of a document in it).
struct SignatureManifest {
    struct Shard {
        var index: Int
        var lines: Int
        var path: String
    }

    var rank: Int
    var runs: Int
    var shards: [Shard]

    func write(_ path: String) throws {
        var out = BinaryWriter()
        out.scalar(UInt32(runs))
        out.scalar(UInt32(shards.count))
        for shard in shards {
            out.scalar(UInt32(shard.index))
            out.scalar(UInt32(shard.lines))
            out.scalar(UInt32(shard.path.utf8.count))
            out.append(shard.path.utf8)
        }
        try SealedFile.write(path, out.bytes)
    }

    static func read(_ path: String, rank: Int) throws -> SignatureManifest {
        var reader = try SealedFile.read(path, writtenBy: PhaseTask(phase: 0, rank: rank))
        let runs = Int(try reader.scalar(UInt32.self, "run count"))
        let count = Int(try reader.scalar(UInt32.self, "shard count"))
        var shards: [Shard] = []
        for _ in 0..<count {
            let index = Int(try reader.scalar(UInt32.self, "shard index"))
            let lines = Int(try reader.scalar(UInt32.self, "line count"))
            let length = Int(try reader.scalar(UInt32.self, "path length"))
            let path = String(decoding: try reader.raw(length, "path"), as: UTF8.self)
            shards.append(Shard(index: index, lines: lines, path: path))
        }
        return SignatureManifest(rank: rank, runs: runs, shards: shards)
    }
}

/// What phase 2 decided for one clustered document, as phase 3 reads it (24 bytes).
struct Decision {
    var line: Int
    var clusterSize: Int
    /// The cluster's first document (its name), and the document kept of it.
    var cluster: DocumentRef
    var kept: DocumentRef

    func write(to out: inout BinaryWriter) {
        out.scalar(UInt32(line))
        out.scalar(UInt32(clusterSize))
        out.scalar(cluster.value)
        out.scalar(kept.value)
    }

    static func read(_ reader: inout BinaryReader) throws -> Decision {
        let line = Int(try reader.scalar(UInt32.self, "line"))
        let size = Int(try reader.scalar(UInt32.self, "cluster size"))
        let cluster = DocumentRef(value: try reader.scalar(UInt64.self, "cluster"))
        let kept = DocumentRef(value: try reader.scalar(UInt64.self, "kept document"))
        return Decision(line: line, clusterSize: size, cluster: cluster, kept: kept)
    }

    /// A shard's decisions, in line order.
    static func readAll(_ path: String) throws -> [Decision] {
        var reader = try SealedFile.read(path, writtenBy: PhaseTask(phase: 2, rank: 0))
        var decisions: [Decision] = []
        while reader.remaining > 0 { decisions.append(try read(&reader)) }
        return decisions
    }
}
