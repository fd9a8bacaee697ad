import WinnowCore

/// Phase 2 of the cluster methods, one task: joins the documents of every edge into clusters
/// (`ClusterForest`), picks the kept document of each (the first, or the best by `keep:`), and
/// writes every clustered document's decision to its shard's file for phase 3. Reads the edges
/// twice (mark, then join) rather than holding them.
struct ClusterPhase {
    let plan: ClusterPlan
    let task: TaskAssignment

    func run() throws -> TaskStats {
        let files = ClusterFiles(stepDirectory: task.stepDirectory)
        let layout = try CorpusLayout(manifests: try files.manifests(inputShards: task.inputShards), shards: task.inputShards.count)
        try check(ClusterForest.bytes(slots: layout.slots, members: 0), "for \(layout.slots) lines of input")
        var forest = ClusterForest(slots: layout.slots)
        var stats = TaskStats()
        try forEachEdge(files, layout, &stats) { a, b in
            forest.mark(a)
            forest.mark(b)
        }
        forest.seal()
        let members = forest.members
        guard members < Int(UInt32.max) else {
            throw WinnowError.invalid("step '\(task.stepID)': \(members) documents have duplicates, more than one clustering task handles (2^32 - 1)")
        }
        let keepsBest = plan.keep != .first
        try check(ClusterForest.bytes(slots: layout.slots, members: members) + members * (4 + (keepsBest ? 12 : 0)),
                  "for \(layout.slots) lines of input of which \(members) have a candidate duplicate")
        var edgeStats = TaskStats()
        try forEachEdge(files, layout, &edgeStats) { a, b in forest.union(forest.index(of: a), forest.index(of: b)) }

        forest.flatten()
        var sizes = [UInt32](repeating: 0, count: members)
        var clusters = 0
        for i in 0..<members {
            let r = Int(forest.parent[i])
            sizes[r] += 1
            if r == i { clusters += 1 }
        }
        let kept = keepsBest ? try bestMembers(forest, layout, files) : nil

        for shard in 0..<layout.lines.count {
            var out = BinaryWriter()
            forest.forEachMember(in: layout.slots(of: shard)) { slot, i in
                let r = Int(forest.parent[i])
                let cluster = layout.ref(slot: forest.slot(of: r))
                let keptRef = kept.map { layout.ref(slot: forest.slot(of: Int($0[r]))) } ?? cluster
                Decision(line: layout.ref(slot: slot).line, clusterSize: Int(sizes[r]), cluster: cluster, kept: keptRef).write(to: &out)
            }
            try SealedFile.write(files.decisions(shard: shard), out.bytes)
            stats.bytesOut += Int64(out.bytes.count)
        }
        stats.made = ["clusters": Int64(clusters), "duplicates": Int64(members - clusters), "documents in clusters": Int64(members),
                      "largest cluster": Int64(sizes.max() ?? 0)]
        return stats
    }

    /// Refuses, before allocating, memory beyond the step's `memory:` (less what the process
    /// already holds).
    private func check(_ bytes: Int, _ what: String) throws {
        guard bytes <= task.memoryAvailable() else {
            throw WinnowError.invalid("step '\(task.stepID)': clustering needs \(ByteSize.describe(bytes)) \(what), more than its memory: \(ByteSize.describe(task.memoryLimit)); raise memory: on the step")
        }
    }

    /// Calls `body` with the two documents (slots) of every edge of every partition.
    private func forEachEdge(_ files: ClusterFiles, _ layout: CorpusLayout, _ stats: inout TaskStats,
                             _ body: (Int, Int) -> Void) throws {
        for partition in 0..<plan.partitions {
            let reader = try SealedFileReader(path: files.edges(partition: partition), writtenBy: PhaseTask(phase: 1, rank: partition))
            stats.bytesIn += Int64(reader.payloadSize)
            while let edge = try reader.next(16) {
                let a = DocumentRef(value: UInt64(littleEndian: edge.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
                let b = DocumentRef(value: UInt64(littleEndian: edge.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
                guard let sa = layout.slot(a), let sb = layout.slot(b) else {
                    throw DamagedIntermediate(path: reader.path, reason: "an edge names a line outside the input", producer: reader.producer)
                }
                body(sa, sb)
            }
        }
    }

    /// For `keep: highest/lowest FIELD`: each cluster's member with the highest priority
    /// (the earliest of equals), indexed by root; members are visited in input order, so a
    /// root, the first of its cluster, is seen before the rest.
    private func bestMembers(_ forest: ClusterForest, _ layout: CorpusLayout, _ files: ClusterFiles) throws -> [UInt32] {
        var best = [UInt32](repeating: 0, count: forest.members)
        var bestPriority = [Double](repeating: -.infinity, count: forest.members)
        for shard in 0..<layout.lines.count {
            let table = try DocumentTable(path: files.documents(shard: shard), writtenBy: PhaseTask(phase: 0, rank: layout.owners[shard]))
            forest.forEachMember(in: layout.slots(of: shard)) { slot, i in
                let r = Int(forest.parent[i])
                let priority = table.priority(line: layout.ref(slot: slot).line)
                if r == i || priority > bestPriority[r] {
                    best[r] = UInt32(i)
                    bestPriority[r] = priority
                }
            }
        }
        return best
    }
}

/// The corpus as one row of document slots: shard after shard, a slot per line.
struct CorpusLayout {
    let lines: [Int]
    let owners: [Int]
    private let base: [Int]
    let slots: Int

    init(manifests: [SignatureManifest], shards: Int) throws {
        var lines = [Int](repeating: 0, count: shards)
        var owners = [Int](repeating: 0, count: shards)
        for manifest in manifests {
            for shard in manifest.shards {
                lines[shard.index] = shard.lines
                owners[shard.index] = manifest.rank
            }
        }
        var base: [Int] = []
        var total = 0
        for count in lines {
            base.append(total)
            total += count
        }
        self.lines = lines
        self.owners = owners
        self.base = base
        slots = total
    }

    func slots(of shard: Int) -> Range<Int> { base[shard]..<(base[shard] + lines[shard]) }

    func slot(_ ref: DocumentRef) -> Int? {
        guard ref.shard < lines.count, ref.line >= 1, ref.line <= lines[ref.shard] else { return nil }
        return base[ref.shard] + ref.line - 1
    }

    func ref(slot: Int) -> DocumentRef {
        // The last shard starting at or before the slot: an empty shard starts where the next
        // one does, so the last of equal starts is the one holding it.
        var low = 0, high = base.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if base[mid] <= slot { low = mid } else { high = mid - 1 }
        }
        return DocumentRef(shard: low, line: slot - base[low] + 1)
    }
}
