import WinnowCore

/// What the run report (`winnow report WORKDIR`) shows, gathered from the ledger, a sample of
/// each step's output and rejected documents, and the reports stages write (mix, pack). It
/// works on a run that has not finished: every figure is of what is there, and each step says
/// whether it is done.
public struct RunReport {
    /// A step with its phases merged: documents in are the first phase's, out the last's.
    struct Step {
        var id: String
        var stage: String
        var phases: [StatusReport.StepStatus]
        var finished: Bool { !phases.isEmpty && phases.allSatisfy(\.finished) }
        var started: Bool { !phases.isEmpty }
        var first: TaskStats { phases.first?.totals ?? TaskStats() }
        var last: TaskStats { phases.last?.totals ?? TaskStats() }
        var rejected: [String: Int] { phases.reduce(into: [:]) { $0.merge($1.totals.rejectedBy, uniquingKeysWith: +) } }
        var wall: Double { phases.reduce(0) { $0 + ($1.wallSeconds ?? 0) } }
        var taskSeconds: Double { phases.reduce(0) { $0 + $1.totals.seconds } }
        var peakMemory: Int64 { phases.map(\.totals.peakMemory).max() ?? 0 }
        var tasks: (done: Int, total: Int) { (phases.reduce(0) { $0 + $1.done }, phases.reduce(0) { $0 + $1.world }) }
    }

    let workdir: String
    let steps: [Step]
    /// Per step id, what a sample of its documents (output and rejected) holds.
    let samples: [String: DocumentSample]
    let mixReports: [String: JSONObject]
    let packReports: [String: JSONObject]

    public init(workdir root: String, sampleSize: Int = 5000) throws {
        let status = try StatusReport(workdir: root)
        var order: [String] = []
        var grouped: [String: [StatusReport.StepStatus]] = [:]
        for phase in status.steps {
            let id = StepPhase(ledgerID: phase.step).step
            if grouped[id] == nil { order.append(id) }
            grouped[id, default: []].append(phase)
        }
        let workdir = Workdir(root)
        self.workdir = root
        // Steps in the pipeline file's order (those not started too), then any others.
        let planned = Self.plannedSteps(workdir)
        order = planned.map(\.id) + order.filter { id in !planned.contains { $0.id == id } }
        steps = order.map { id in
            let phases = (grouped[id] ?? []).sorted { StepPhase(ledgerID: $0.step).phase < StepPhase(ledgerID: $1.step).phase }
            return Step(id: id, stage: phases.first?.stage ?? planned.first { $0.id == id }?.stage ?? "", phases: phases)
        }
        var samples: [String: DocumentSample] = [:]
        var mix: [String: JSONObject] = [:], pack: [String: JSONObject] = [:]
        for step in steps {
            samples[step.id] = try DocumentSample(folders: [workdir.output(step.id), workdir.rejected(step.id)], limit: sampleSize)
            if let object = Self.object("\(workdir.output(step.id))/mix_report.json") { mix[step.id] = object }
            if let object = Self.object("\(workdir.output(step.id))/pack_report.json") { pack[step.id] = object }
        }
        self.samples = samples
        mixReports = mix
        packReports = pack
    }

    /// The steps of the pipeline file the run ran (its copy in the workdir), without
    /// validating settings: the report needs only ids and stages.
    static func plannedSteps(_ workdir: Workdir) -> [(id: String, stage: String)] {
        guard let bytes = try? readFile(workdir.pipelineCopy),
              let root = try? YAMLTree.parse(String(decoding: bytes, as: UTF8.self), path: workdir.pipelineCopy),
              case let .mapping(top) = root.value, case let .sequence(steps)? = top.first(where: { $0.key == "steps" })?.value.value
        else { return [] }
        return steps.compactMap { node in
            guard case let .mapping(pairs) = node.value, let id = pairs.first(where: { $0.key == "id" })?.value.scalar else { return nil }
            return (id, pairs.first { $0.key == "stage" }?.value.scalar ?? "")
        }
    }

    static func object(_ path: String) -> JSONObject? {
        guard let bytes = try? readFile(path), case let .object(o)? = try? bytes.withUnsafeBytes({ try JSONValue.parse($0) }) else { return nil }
        return o
    }
}

/// What a sample of a step's documents shows: the values of its score-like metadata, its
/// languages and domains, and (dedup) its clusters' sizes.
struct DocumentSample {
    var documents = 0
    /// Numeric metadata that reads as a signal or score, by key.
    var signals: [String: [Double]] = [:]
    var languages: [String: Int] = [:]
    var domains: [String: Int] = [:]
    /// The size of each cluster, once per cluster (from its kept document).
    var clusterSizes: [Int] = []

    /// Reads at most `limit` documents, spread over the folders' shards in order.
    init(folders: [String], limit: Int) throws {
        let shards = folders.flatMap { folder in listDirectory(folder).filter { $0.hasSuffix(".jsonl.zst") }.map { "\(folder)/\($0)" } }
        guard !shards.isEmpty else { return }
        let perShard = max(1, limit / shards.count)
        for path in shards {
            guard let reader = try? ShardReader(path: path) else { continue }
            var taken = 0
            while taken < perShard, let record = try? reader.next() {
                guard case let .document(doc, _) = record else { continue }
                add(doc.metadata)
                taken += 1
            }
        }
    }

    private mutating func add(_ metadata: JSONObject) {
        documents += 1
        if let language = metadata["language"]?.stringValue { languages[language, default: 0] += 1 }
        if let domain = metadata["domain"]?.stringValue { domains[domain, default: 0] += 1 }
        for member in metadata.members {
            if member.key.hasSuffix("_cluster_size"), metadata["duplicate_of"] == nil, let size = member.value.doubleValue {
                clusterSizes.append(Int(size))
            } else if Self.isSignal(member.key), let value = member.value.doubleValue, value.isFinite {
                signals[member.key, default: []].append(value)
            }
        }
    }

    /// Scores, ratios and quality measures, not ids, counts or positions.
    static func isSignal(_ key: String) -> Bool {
        key.hasSuffix("_score") || key.hasSuffix("_ratio") || key.hasSuffix("_frac") || key.hasSuffix("_fraction")
            || key.hasSuffix("_similarity") || ["gopher_", "c4_", "fineweb_", "quality_"].contains { key.hasPrefix($0) }
    }
}
