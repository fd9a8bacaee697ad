import WinnowCore

/// Phase 0 of the cluster methods, one task per input rank: reads the rank's shards, gives
/// every document its band keys (`DocumentSigner`) and writes them, sorted, into one run per
/// partition; when the keys held would pass the step's `memory:`, the runs so far are written
/// and new ones begun (the first half of an external sort, whose merge is phase 1). Also
/// writes each shard's document table and the rank's manifest, last, as the proof that the
/// rest is complete.
struct SignaturePhase {
    let plan: ClusterPlan
    let task: TaskAssignment

    func run() throws -> TaskStats {
        let files = ClusterFiles(stepDirectory: task.stepDirectory)
        removeEarlierAttempts(files)
        let shardIndex = Dictionary(uniqueKeysWithValues: task.inputShards.enumerated().map { ($1, $0) })
        var signer = plan.makeSigner()
        var runs = RunBuffers(partitions: plan.partitions, limit: RunBuffers.limit(available: task.memoryAvailable(setAside: 32 << 20)))
        var keys: [StableHash.Digest] = []
        var signed: Int64 = 0, unsigned: Int64 = 0
        var manifest = SignatureManifest(rank: task.rank, runs: 0, shards: [])
        // Lines that are not documents are rejected by phase 3, which reads these shards again.
        let input = TaskReader(task: task, rejects: .skip)
        while let shard = try input.nextShard() {
            let index = shardIndex[shard.path]!
            var table = DocumentTable.Builder(withPriorities: plan.keep != .first)
            while let item = try shard.next() {
                let doc = item.document
                table.add(line: item.lineNumber, id: doc.id, priority: plan.keep.priority(doc))
                if signer.sign(doc, into: &keys) {
                    let ref = DocumentRef(shard: index, line: item.lineNumber).value
                    for (band, key) in keys.enumerated() {
                        runs.append(KeyRecord(high: key.high, low: key.low, ref: ref), to: plan.partition(band: band, key: key))
                    }
                    signed += 1
                } else {
                    unsigned += 1
                }
                shard.kept(characters: item.characters)
                if runs.isFull { try runs.write(files: files, rank: task.rank) }
            }
            try table.write(files.documents(shard: index))
            manifest.shards.append(.init(index: index, lines: table.lines, path: shard.path))
            try shard.finish()
        }
        try runs.write(files: files, rank: task.rank)
        manifest.runs = runs.written
        try manifest.write(files.manifest(rank: task.rank))
        var stats = input.finish()
        stats.bytesOut = runs.bytesWritten
        stats.made["signed documents"] = signed
        if unsigned > 0 { stats.made[signer.unsignedReason] = unsigned }
        return stats
    }

    /// A killed attempt may have written some runs; the manifest written last says how many
    /// count, but stale runs are removed so the folder holds only what the manifest names.
    private func removeEarlierAttempts(_ files: ClusterFiles) {
        unlink(files.manifest(rank: task.rank))
        let prefix = "\(ShardNaming.fiveDigits(task.rank))-"
        for partition in 0..<plan.partitions {
            let folder = "\(files.signatures)/p\(partition)"
            for name in listDirectory(folder) where name.hasPrefix(prefix) { unlink("\(folder)/\(name)") }
        }
    }
}

/// The keys held in memory, one buffer per partition, written as sorted runs when full.
struct RunBuffers {
    private var buffers: [[KeyRecord]]
    private var held = 0
    private let limit: Int
    private(set) var written = 0
    private(set) var bytesWritten: Int64 = 0

    /// Keys to hold within `available` bytes (what `memory:` leaves after what the process
    /// holds and 32 MB for reading): each key held may cost 64 bytes (24, twice over while an
    /// array grows, and the sort's scratch).
    static func limit(available: Int) -> Int {
        max(1 << 16, available / 64)
    }

    init(partitions: Int, limit: Int) {
        buffers = Array(repeating: [], count: partitions)
        self.limit = limit
    }

    var isFull: Bool { held >= limit }

    mutating func append(_ record: KeyRecord, to partition: Int) {
        buffers[partition].append(record)
        held += 1
    }

    /// Writes one run per partition (empty ones too, so every rank has runs 0..<written in
    /// every partition) and empties the buffers.
    mutating func write(files: ClusterFiles, rank: Int) throws {
        for partition in buffers.indices {
            buffers[partition].sort()
            let out = try SealedFileWriter(path: files.run(partition: partition, rank: rank, run: written))
            for record in buffers[partition] { try record.write(to: out) }
            try out.commit()
            bytesWritten += out.size
            buffers[partition].removeAll(keepingCapacity: false)
        }
        held = 0
        written += 1
    }
}
