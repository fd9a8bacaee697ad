import WinnowCore

/// The `dedup` stage: finds documents with the same key (the text after normalisation, or a
/// metadata field such as the URL) across every input shard, keeps one of each cluster and
/// drops or tags the rest. Exact: two documents are duplicates only when their 128-bit
/// digests match (StableHash.digest).
///
/// Three phases, so memory is bounded by `buckets`, not by the corpus:
/// 0. signatures — every task reads its shards and writes each document's digest, place and
///    priority into one sealed file per hash bucket (`STEP/signatures/b<B>/<rank>.bin`);
/// 1. matching — task b sorts bucket b's signatures, finds the clusters of two or more,
///    chooses the kept document of each, and writes each member's decision to a sealed file
///    per input shard (`STEP/clusters/b<B>/<shard>.bin`);
/// 2. removal — every task reads its shards again with those decisions: duplicates go to
///    `rejected/` with `duplicate_of` (drop) or are tagged with their cluster (tag).
///
/// Decisions depend only on the input (digests, shard order, lines, priorities), never on
/// task counts, so the output is the same bytes for any `tasks:` and worker count.
public struct DedupStage: Stage {
    public static let name = "dedup"
    public static let clusterKey = "dedup_cluster"
    public static let sizeKey = "dedup_cluster_size"
    public static let duplicateOfKey = "duplicate_of"
    public let settings: DedupSettings

    public init(settings reader: SettingsReader) throws {
        settings = try DedupSettings(settings: reader)
    }

    public init(settings: DedupSettings) {
        self.settings = settings
    }

    public var phaseCount: Int { 3 }

    public func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int {
        phase == 1 ? settings.buckets : TaskPlan.perShard(inputShards: inputShards, requested: requested)
    }

    public func run(_ task: TaskAssignment) throws -> TaskStats {
        let started = monotonicSeconds()
        var stats: TaskStats
        switch task.phase {
        case 0: stats = try sign(task)
        case 1: stats = try match(task)
        default: stats = try remove(task)
        }
        stats.seconds = monotonicSeconds() - started
        return stats
    }

    static func signatureDirectory(_ task: TaskAssignment, bucket: Int) -> String { "\(task.stepDirectory)/signatures/b\(bucket)" }
    static func clusterDirectory(_ task: TaskAssignment, bucket: Int) -> String { "\(task.stepDirectory)/clusters/b\(bucket)" }

    /// The digest of a document's key, or nil when it has none (no such metadata field):
    /// such documents are never anyone's duplicate.
    func key(_ doc: Document) -> StableHash.Digest? {
        switch settings.method {
        case .exact:
            return settings.normalization.apply(doc.text) { StableHash.digest($0) }
        case .url:
            guard let value = doc.metadata.value(atPath: settings.field)?.stringValue else { return nil }
            return Array(value.utf8).withUnsafeBytes { StableHash.digest($0) }
        }
    }

    /// Higher is kept first; input order breaks ties.
    func priority(_ doc: Document) -> Double {
        switch settings.keep {
        case .first: return 0
        case let .highest(field): return doc.metadata.value(atPath: field)?.doubleValue ?? -.infinity
        case let .lowest(field): return doc.metadata.value(atPath: field).flatMap(\.doubleValue).map { -$0 } ?? -.infinity
        }
    }

    // MARK: Phase 0

    private func sign(_ task: TaskAssignment) throws -> TaskStats {
        let shardIndex = Dictionary(uniqueKeysWithValues: task.inputShards.enumerated().map { ($1, UInt32($0)) })
        var buckets = [BinaryWriter](repeating: BinaryWriter(), count: settings.buckets)
        var signed: Int64 = 0, keyless: Int64 = 0
        // Phase 2 reads the same shards and quarantines what is not a document; here it is skipped.
        let input = TaskReader(task: task, rejects: .skip)
        while let shard = try input.nextShard() {
            let index = shardIndex[shard.path]!
            while let item = try shard.next() {
                let doc = item.document
                if let digest = key(doc) {
                    let signature = Signature(digest: digest, shard: index, line: UInt32(item.lineNumber),
                                              priority: priority(doc), id: Array(doc.id.utf8))
                    signature.write(to: &buckets[Int(digest.high % UInt64(settings.buckets))])
                    signed += 1
                } else {
                    keyless += 1
                }
                shard.kept(characters: item.characters)
            }
            try shard.finish()
        }
        var stats = input.finish()
        let rank = ShardNaming.fiveDigits(task.rank)
        for (bucket, bytes) in buckets.enumerated() {
            try SealedFile.write("\(DedupStage.signatureDirectory(task, bucket: bucket))/\(rank).bin", bytes.bytes)
            stats.bytesOut += Int64(bytes.bytes.count)
        }
        stats.made["signatures"] = signed
        if keyless > 0 { stats.made["documents without \(settings.field)"] = keyless }
        return stats
    }

    // MARK: Phase 1

    private func match(_ task: TaskAssignment) throws -> TaskStats {
        var stats = TaskStats()
        var signatures: [Signature] = []
        let directory = DedupStage.signatureDirectory(task, bucket: task.rank)
        for name in listDirectory(directory) where name.hasSuffix(".bin") {
            let path = "\(directory)/\(name)"
            var reader = try SealedFile.read(path)
            stats.bytesIn += Int64(reader.remaining)
            while reader.remaining > 0 { signatures.append(try Signature.read(&reader)) }
        }
        // One order for everything: by digest, then the kept one first (highest priority,
        // then input order), so which files the signatures came from never matters.
        signatures.sort { a, b in
            if a.digest != b.digest { return a.digest < b.digest }
            if a.priority != b.priority { return a.priority > b.priority }
            return (a.shard, a.line) < (b.shard, b.line)
        }
        var byShard: [UInt32: BinaryWriter] = [:]
        var clusters: Int64 = 0, duplicates: Int64 = 0
        var start = 0
        while start < signatures.count {
            var end = start + 1
            while end < signatures.count, signatures[end].digest == signatures[start].digest { end += 1 }
            if end - start > 1 {
                clusters += 1
                duplicates += Int64(end - start - 1)
                let kept = signatures[start]
                for k in start..<end {
                    let member = ClusterMember(line: signatures[k].line, isKept: k == start, size: UInt32(end - start),
                                               cluster: kept.digest, keptID: kept.id)
                    member.write(to: &byShard[signatures[k].shard, default: BinaryWriter()])
                }
            }
            start = end
        }
        let out = DedupStage.clusterDirectory(task, bucket: task.rank)
        try makeDirectories(out)
        for (shard, bytes) in byShard.sorted(by: { $0.key < $1.key }) {
            try SealedFile.write("\(out)/\(ShardNaming.fiveDigits(Int(shard))).bin", bytes.bytes)
            stats.bytesOut += Int64(bytes.bytes.count)
        }
        stats.made = ["signatures": Int64(signatures.count), "clusters": clusters, "duplicates": duplicates]
        return stats
    }

    // MARK: Phase 2

    /// Every bucket's decisions for one input shard, by line.
    private func decisions(_ task: TaskAssignment, shard index: Int) throws -> [UInt32: ClusterMember] {
        var members: [UInt32: ClusterMember] = [:]
        for bucket in 0..<settings.buckets {
            let path = "\(DedupStage.clusterDirectory(task, bucket: bucket))/\(ShardNaming.fiveDigits(index)).bin"
            guard fileExists(path) else { continue }
            var reader = try SealedFile.read(path)
            while reader.remaining > 0 {
                let member = try ClusterMember.read(&reader)
                members[member.line] = member
            }
        }
        return members
    }

    private func remove(_ task: TaskAssignment) throws -> TaskStats {
        let shardIndex = Dictionary(uniqueKeysWithValues: task.inputShards.enumerated().map { ($1, $0) })
        let input = TaskReader(task: task)
        var tagged: Int64 = 0
        while let shard = try input.nextShard() {
            let members = try decisions(task, shard: shardIndex[shard.path]!)
            let out = try ShardWriter(path: "\(task.outputDirectory)/\(shard.name)", level: task.compressionLevel)
            while let item = try shard.next() {
                var doc = item.document
                if let member = members[UInt32(item.lineNumber)] {
                    let keptID = String(decoding: member.keptID, as: UTF8.self)
                    switch settings.mode {
                    case .drop where !member.isKept:
                        doc.metadata[DedupStage.duplicateOfKey] = .string(keptID)
                        try shard.reject(doc, label: "\(DedupStage.name): duplicate", characters: item.characters)
                        continue
                    case .drop:
                        break
                    case .tag:
                        doc.metadata[DedupStage.clusterKey] = .string(member.cluster.hex)
                        doc.metadata[DedupStage.sizeKey] = JSONValue(Int(member.size))
                        if !member.isKept { doc.metadata[DedupStage.duplicateOfKey] = .string(keptID) }
                        tagged += 1
                    }
                }
                let before = out.bytesWritten
                try out.write(doc)
                shard.kept(characters: item.characters, bytesOut: out.bytesWritten - before)
            }
            try out.finish()
            try shard.finish()
        }
        var stats = input.finish()
        if settings.mode == .tag { stats.made["tagged"] = tagged }
        return stats
    }
}
