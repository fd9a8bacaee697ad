import WinnowCore

/// Phase 3 of the cluster methods, one task per input rank: reads the rank's shards again with
/// phase 2's decisions. In `drop` mode every clustered document but the kept one goes to
/// `rejected/` with `duplicate_of` (the kept document's id); in `tag` mode all stay. Every
/// clustered document, kept or not, carries its cluster's id and size (a kept document's
/// cluster size says how often the web repeated it). Lines that are not documents, which phase
/// 0 skipped, are rejected here.
struct RemovalPhase {
    let plan: ClusterPlan
    let task: TaskAssignment

    func run() throws -> TaskStats {
        let files = ClusterFiles(stepDirectory: task.stepDirectory)
        let owners = try CorpusLayout(manifests: try files.manifests(inputShards: task.inputShards), shards: task.inputShards.count).owners
        var tables: [Int: DocumentTable] = [:]
        func keptID(_ ref: DocumentRef) throws -> String {
            if tables[ref.shard] == nil {
                tables[ref.shard] = try DocumentTable(path: files.documents(shard: ref.shard),
                                                      writtenBy: PhaseTask(phase: 0, rank: owners[ref.shard]))
            }
            return tables[ref.shard]!.id(line: ref.line)
        }
        var decisions: (shard: Int, byLine: [Int: Decision])?
        return try DuplicateRemoval.run(task, mode: plan.mode, label: plan.rejectionLabel) { shard, line, doc in
            if decisions?.shard != shard {
                let all = try Decision.readAll(files.decisions(shard: shard))
                decisions = (shard, Dictionary(uniqueKeysWithValues: all.map { ($0.line, $0) }))
            }
            guard let decision = decisions!.byLine[line] else { return nil }
            let isKept = decision.kept == DocumentRef(shard: shard, line: line)
            doc.metadata[plan.clusterIDKey] = .string(decision.cluster.name)
            doc.metadata[plan.clusterSizeKey] = JSONValue(decision.clusterSize)
            if !isKept { doc.metadata[ClusterPlan.duplicateOfKey] = .string(try keptID(decision.kept)) }
            return !isKept
        }
    }
}
