import WinnowCore

/// The last phase of the dedup methods that decide about whole documents (the cluster methods,
/// semantic): every task reads its shards again; `mark` adds what was found about a document
/// to its metadata and says whether it is a duplicate (nil when nothing was found). In drop
/// mode duplicates go to `rejected/` under `label`; everything else is written out. Lines that
/// are not documents, which the first phase skipped, are rejected here.
enum DuplicateRemoval {
    static func run(_ task: TaskAssignment, mode: DedupSettings.Mode, label: String,
                    mark: (_ shard: Int, _ line: Int, _ doc: inout Document) throws -> Bool?) throws -> TaskStats {
        let shardIndex = Dictionary(uniqueKeysWithValues: task.inputShards.enumerated().map { ($1, $0) })
        var tagged: Int64 = 0
        let input = TaskReader(task: task)
        while let shard = try input.nextShard() {
            let index = shardIndex[shard.path]!
            let out = try task.openOutputShard(shard.name)
            while let item = try shard.next() {
                var doc = item.document
                if let duplicate = try mark(index, item.lineNumber, &doc) {
                    if mode == .drop, duplicate {
                        try shard.reject(doc, label: label, characters: item.characters)
                        continue
                    }
                    tagged += 1
                }
                try shard.keep(doc, in: out, characters: item.characters)
            }
            try out.finish()
            try shard.finish()
        }
        var stats = input.finish()
        stats.made["tagged"] = tagged
        return stats
    }
}
