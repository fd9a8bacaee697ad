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
        let shardIndex = Dictionary(uniqueKeysWithValues: task.inputShards.enumerated().map { ($1, $0) })
        var tables: [Int: DocumentTable] = [:]
        func keptID(_ ref: DocumentRef) throws -> String {
            if tables[ref.shard] == nil {
                tables[ref.shard] = try DocumentTable(path: files.documents(shard: ref.shard),
                                                      writtenBy: PhaseTask(phase: 0, rank: owners[ref.shard]))
            }
            return tables[ref.shard]!.id(line: ref.line)
        }
        var tagged: Int64 = 0
        let input = TaskReader(task: task)
        while let shard = try input.nextShard() {
            let index = shardIndex[shard.path]!
            let decisions = try Decision.readAll(files.decisions(shard: index))
            var next = 0
            let out = try ShardWriter(path: "\(task.outputDirectory)/\(shard.name)", level: task.compressionLevel)
            while let item = try shard.next() {
                var doc = item.document
                while next < decisions.count, decisions[next].line < item.lineNumber { next += 1 }
                if next < decisions.count, decisions[next].line == item.lineNumber {
                    let decision = decisions[next]
                    let isKept = decision.kept == DocumentRef(shard: index, line: item.lineNumber)
                    doc.metadata[plan.clusterIDKey] = .string(decision.cluster.name)
                    doc.metadata[plan.clusterSizeKey] = JSONValue(decision.clusterSize)
                    if !isKept { doc.metadata[ClusterPlan.duplicateOfKey] = .string(try keptID(decision.kept)) }
                    if plan.mode == .drop, !isKept {
                        try shard.reject(doc, label: plan.rejectionLabel, characters: item.characters)
                        continue
                    }
                    tagged += 1
                }
                let before = out.bytesWritten
                try out.write(doc)
                shard.kept(characters: item.characters, bytesOut: out.bytesWritten - before)
            }
            try out.finish()
            try shard.finish()
        }
        var stats = input.finish()
        stats.made["tagged"] = tagged
        return stats
    }
}
