import WinnowCore

/// The `dedup` stage (docs/stages/dedup.md): finds duplicate documents across every input shard
/// and keeps one of each group, dropping the rest to `rejected/` with `duplicate_of`, or tags
/// them. The method decides what a duplicate is and how the work is split into phases.
public struct DedupStage: Stage {
    public static let name = "dedup"
    private let method: any Stage

    public init(settings reader: SettingsReader, embedders: EmbedderLoader = .unavailable) throws {
        self.init(settings: try DedupSettings(settings: reader, embedders: embedders))
    }

    public init(settings: DedupSettings) {
        switch settings.method {
        case .exact, .url, .minhash: method = ClusterDedup(plan: ClusterPlan(settings: settings))
        case .bloom: method = BloomDedup(settings: settings.bloom, mode: settings.mode)
        case .substring: method = SubstringDedup(settings: settings.substring, mode: settings.mode)
        case .semantic: method = SemanticDedup(settings: settings.semantic, mode: settings.mode)
        }
    }

    public var phaseCount: Int { method.phaseCount }

    /// Every method's last phase writes each input shard's survivors under its name.
    public func outputShards(inputShards: Int) -> Int? { inputShards }
    public var writesDocumentShards: Bool { true }

    public func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int {
        method.taskCount(phase: phase, inputShards: inputShards, requested: requested)
    }

    public func run(_ task: TaskAssignment) throws -> TaskStats { try method.run(task) }
}
