import WinnowCore

/// Phase 1 of the cluster methods, one task per partition: merges every rank's sorted runs of
/// the partition (the second half of the external sort) and, for each group of documents with
/// the same key, writes an edge from the group's first document to each other one. Memory is a
/// read buffer per run, sized from the step's `memory:`, whatever the corpus.
struct MatchPhase {
    let plan: ClusterPlan
    let task: TaskAssignment

    func run() throws -> TaskStats {
        let files = ClusterFiles(stepDirectory: task.stepDirectory)
        let partition = task.rank
        let manifests = try files.manifests(inputShards: task.inputShards)
        let runCount = manifests.reduce(0) { $0 + $1.runs }
        let bufferSize = min(1 << 20, max(1 << 14, task.memoryLimit / 2 / max(1, runCount)))
        var runs: [SealedFileReader] = []
        for manifest in manifests {
            for run in 0..<manifest.runs {
                runs.append(try SealedFileReader(path: files.run(partition: partition, rank: manifest.rank, run: run),
                                                 writtenBy: PhaseTask(phase: 0, rank: manifest.rank), bufferSize: bufferSize))
            }
        }
        var merge = try RunMerge(runs)
        let out = try SealedFileWriter(path: files.edges(partition: partition))
        var records: Int64 = 0, groups: Int64 = 0, edges: Int64 = 0
        var head: KeyRecord?
        var groupSize = 0
        while let record = try merge.next() {
            records += 1
            if let first = head, first.sameKey(record) {
                if groupSize == 1 { groups += 1 }
                groupSize += 1
                try out.append(first.ref)
                try out.append(record.ref)
                edges += 1
            } else {
                head = record
                groupSize = 1
            }
        }
        try out.commit()
        var stats = TaskStats()
        stats.bytesIn = runs.reduce(Int64(0)) { $0 + Int64($1.payloadSize) }
        stats.bytesOut = out.size
        stats.made = ["keys": records, "shared keys": groups, "candidate pairs": edges]
        return stats
    }
}

/// A k-way merge of sorted runs by a binary heap of their heads; a run found out of order is
/// damaged (sorted runs are the premise of the whole phase).
struct RunMerge {
    private var runs: [SealedFileReader]
    private var heads: [KeyRecord] = []
    /// Run indices, a min-heap by their head record.
    private var heap: [Int] = []

    init(_ runs: [SealedFileReader]) throws {
        self.runs = runs
        heads.reserveCapacity(runs.count)
        for (i, run) in runs.enumerated() {
            if let bytes = try run.next(KeyRecord.size) {
                heads.append(KeyRecord(bytes))
                heap.append(i)
            } else {
                heads.append(KeyRecord(high: 0, low: 0, ref: 0))
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    mutating func next() throws -> KeyRecord? {
        guard let top = heap.first else { return nil }
        let record = heads[top]
        if let bytes = try runs[top].next(KeyRecord.size) {
            let following = KeyRecord(bytes)
            guard !(following < record) else {
                throw DamagedIntermediate(path: runs[top].path, reason: "records out of order", producer: runs[top].producer)
            }
            heads[top] = following
        } else {
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
        }
        if !heap.isEmpty { siftDown(0) }
        return record
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let left = 2 * i + 1
            guard left < n else { return }
            var smallest = left
            if left + 1 < n, heads[heap[left + 1]] < heads[heap[left]] { smallest = left + 1 }
            guard heads[heap[smallest]] < heads[heap[i]] else { return }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }
}
