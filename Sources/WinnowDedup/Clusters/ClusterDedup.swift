import WinnowCore

/// Dedup by clusters, for `exact`, `url` and `minhash`: documents that share a key in any band
/// are joined, transitively, into clusters; one document of each is kept. Four phases, each its
/// own tasks, so no task holds the corpus and each can run on another machine:
///
/// 0. signatures — per input rank: every document's band keys into sorted runs per partition
///    (`SignaturePhase`);
/// 1. matching — per partition: a merge of every rank's runs, documents with equal keys
///    joined by edges (`MatchPhase`);
/// 2. clustering — one task: union-find over the edges, in memory that grows with the number
///    of documents that have an edge, not with the corpus (`ClusterPhase`);
/// 3. removal — per input rank: duplicates to `rejected/` or tagged (`RemovalPhase`).
///
/// Decisions depend only on the input (keys, shard order, lines, priorities), never on task
/// counts or timing, so the output is the same bytes for any `tasks:` and `workers:`.
struct ClusterDedup: Stage {
    let plan: ClusterPlan

    var phaseCount: Int { 4 }

    func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int {
        switch phase {
        case 1: return plan.partitions
        case 2: return 1
        default: return TaskPlan.perShard(inputShards: inputShards, requested: requested)
        }
    }

    func run(_ task: TaskAssignment) throws -> TaskStats {
        switch task.phase {
        case 0: return try SignaturePhase(plan: plan, task: task).run()
        case 1: return try MatchPhase(plan: plan, task: task).run()
        case 2: return try ClusterPhase(plan: plan, task: task).run()
        default: return try RemovalPhase(plan: plan, task: task).run()
        }
    }
}

/// What the four phases share, from the settings: how documents are keyed, how keys are
/// spread over partitions (phase-1 tasks), which document is kept and how results are named.
struct ClusterPlan: Sendable {
    let settings: DedupSettings

    /// Phase-1 tasks: one per MinHash band (as datatrove's buckets), or `buckets` hash
    /// partitions of the single key of exact and URL dedup.
    var partitions: Int { settings.method == .minhash ? settings.minhash.bands : settings.buckets }

    func partition(band: Int, key: StableHash.Digest) -> Int {
        settings.method == .minhash ? band : Int(key.low % UInt64(settings.buckets))
    }

    var keep: KeepRule { settings.keep }
    var mode: DedupSettings.Mode { settings.mode }

    func makeSigner() -> any DocumentSigner {
        switch settings.method {
        case .exact: return ExactSigner(normalization: settings.normalization)
        case .url: return FieldSigner(field: settings.field)
        case .minhash: return MinHashSigner(settings: settings.minhash)
        case .bloom, .substring, .semantic: preconditionFailure("DedupStage runs \(settings.method) dedup on its own, not through clusters")
        }
    }

    /// The rejection label of a duplicate, and the metadata keys of tag mode
    /// (`minhash_cluster_id`, `minhash_cluster_size`: datatrove's names for MinHash).
    var rejectionLabel: String { settings.method == .minhash ? "dedup: near duplicate" : "dedup: duplicate" }
    var clusterIDKey: String { "\(settings.method.rawValue)_cluster_id" }
    var clusterSizeKey: String { "\(settings.method.rawValue)_cluster_size" }
    static let duplicateOfKey = "duplicate_of"
}
