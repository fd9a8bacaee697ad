import WinnowCore

/// `method: semantic`, in four phases of their own tasks:
/// 0. embed — per input rank: each document's sentence vector, scaled to length 1;
/// 1. cluster — one task: k-means on a deterministic sample of at most `sample` vectors, then
///    every vector assigned to its nearest centroid and written to its cluster's bucket;
/// 2. compare — per bucket: within each cluster, in input order, a document whose similarity
///    to an earlier one is at least `threshold` duplicates the most similar of them (as
///    SemDeDup compares each point with the ones before it); similarities come in blocks of
///    rows from sgemm, so memory follows the block, not the square of the cluster;
/// 3. removal — per input rank: duplicates to `rejected/` with `duplicate_of` and their
///    similarity, or tagged.
/// Documents with no vector (nothing the model knows) are nobody's duplicate.
struct SemanticDedup: Stage {
    let settings: SemanticSettings
    let mode: DedupSettings.Mode

    var phaseCount: Int { 4 }

    func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int {
        switch phase {
        case 1: return 1
        case 2: return settings.buckets
        default: return TaskPlan.perShard(inputShards: inputShards, requested: requested)
        }
    }

    private var dimension: Int { settings.embedder!.dimension }

    func run(_ task: TaskAssignment) throws -> TaskStats {
        if task.phase == 1 || task.phase == 2 { try SimilarityMatrix.prepare(settings.similarity, step: task.stepID) }
        let files = SemanticFiles(root: task.stepDirectory)
        switch task.phase {
        case 0: return try embed(task, files)
        case 1: return try cluster(task, files)
        case 2: return try compare(task, files)
        default: return try remove(task, files)
        }
    }

    // MARK: Phase 0

    private func embed(_ task: TaskAssignment, _ files: SemanticFiles) throws -> TaskStats {
        var embedding = settings.embedder!.makeEmbedding()
        var vector = [Float](repeating: 0, count: dimension)
        var embedded: Int64 = 0, without: Int64 = 0
        let shardIndex = Dictionary(uniqueKeysWithValues: task.inputShards.enumerated().map { ($1, $0) })
        let input = TaskReader(task: task, rejects: .skip)
        var bytesOut: Int64 = 0
        while let shard = try input.nextShard() {
            let index = shardIndex[shard.path]!
            let out = try SealedFileWriter(path: files.embeddings(shard: index))
            while let item = try shard.next() {
                let doc = item.document
                let known = doc.text.withUnsafeBufferPointer { text in
                    vector.withUnsafeMutableBufferPointer { embedding.embed(text, into: $0) && SimilarityMatrix.normalize($0) }
                }
                if known {
                    try EmbeddedDocument(cluster: 0, shard: index, line: item.lineNumber, id: Array(doc.id.utf8), vector: vector).write(to: out)
                    embedded += 1
                } else {
                    without += 1
                }
                shard.kept(characters: item.characters)
            }
            try out.commit()
            bytesOut += out.size
            try shard.finish()
        }
        var stats = input.finish()
        stats.bytesOut = bytesOut
        stats.made["embedded documents"] = embedded
        if without > 0 { stats.made["documents without a vector"] = without }
        return stats
    }

    /// Every embedding file, in shard order (phase 0's task r wrote shards r, r+N, …).
    private func embeddingReaders(_ task: TaskAssignment, _ files: SemanticFiles) throws -> [SealedFileReader] {
        let world = task.tasks(inPhase: 0, of: self)
        return try task.inputShards.indices.map { shard in
            try SealedFileReader(path: files.embeddings(shard: shard), writtenBy: PhaseTask(phase: 0, rank: TaskAssignment.rank(readingShard: shard, world: world)))
        }
    }

    // MARK: Phase 1

    private func cluster(_ task: TaskAssignment, _ files: SemanticFiles) throws -> TaskStats {
        let d = dimension
        var stats = TaskStats()
        // A uniform sample of at most `sample` vectors in one pass (reservoir sampling, seeded).
        var random = SplitMix64(seed: task.seed)
        var reservoir: [Float] = []
        var seen = 0
        for reader in try embeddingReaders(task, files) {
            stats.bytesIn += Int64(reader.payloadSize)
            while let doc = try EmbeddedDocument.read(reader, dimension: d) {
                if seen < settings.sample {
                    reservoir += doc.vector
                } else {
                    let j = Int(random.next() % UInt64(seen + 1))
                    if j < settings.sample { reservoir.replaceSubrange((j * d)..<((j + 1) * d), with: doc.vector) }
                }
                seen += 1
            }
        }
        guard seen > 0 else {
            for b in 0..<settings.buckets { try SealedFile.write(files.bucket(b), []) }
            return stats
        }
        let k = min(settings.clusters, seen)
        let kmeans = KMeans(dimension: d, method: settings.similarity)
        let centroids = kmeans.train(reservoir, k: k, iterations: settings.iterations, seed: random.next())
        try SealedFile.write(files.centroids, centroids.withUnsafeBytes { Array($0) })

        // Every vector to its cluster's bucket, a block of documents at a time.
        let buckets = try (0..<settings.buckets).map { try SealedFileWriter(path: files.bucket($0)) }
        var block: [EmbeddedDocument] = []
        func flush() throws {
            let assignment = kmeans.assign(block.flatMap(\.vector), to: centroids)
            for (doc, cluster) in zip(block, assignment) {
                var assigned = doc
                assigned.cluster = cluster
                try assigned.write(to: buckets[cluster % settings.buckets])
            }
            block.removeAll(keepingCapacity: true)
        }
        for reader in try embeddingReaders(task, files) {
            while let doc = try EmbeddedDocument.read(reader, dimension: d) {
                block.append(doc)
                if block.count == 4096 { try flush() }
            }
        }
        try flush()
        for bucket in buckets {
            try bucket.commit()
            stats.bytesOut += bucket.size
        }
        stats.made = ["clusters": Int64(k), "vectors": Int64(seen), "trained on": Int64(min(seen, settings.sample))]
        return stats
    }

    // MARK: Phase 2

    private func compare(_ task: TaskAssignment, _ files: SemanticFiles) throws -> TaskStats {
        let d = dimension
        let reader = try SealedFileReader(path: files.bucket(task.rank), writtenBy: PhaseTask(phase: 1, rank: 0))
        var clusters: [Int: [EmbeddedDocument]] = [:]
        var held = 0
        while let doc = try EmbeddedDocument.read(reader, dimension: d) {
            clusters[doc.cluster, default: []].append(doc)
            held += d * 4 + doc.id.count + 48
            guard held <= task.memoryLimit / 2 else {
                throw WinnowError.invalid("step '\(task.stepID)': bucket \(task.rank) holds more vectors than half its memory: \(ByteSize.describe(task.memoryLimit)); raise buckets: or memory:")
            }
        }
        var out = BinaryWriter()
        var duplicates: Int64 = 0, pairs: Int64 = 0
        for cluster in clusters.keys.sorted() {
            let members = clusters[cluster]!
            guard members.count > 1 else { continue }
            pairs += Int64(members.count * (members.count - 1) / 2)
            for found in duplicatesIn(members, dimension: d, memory: task.memoryLimit / 4) {
                found.write(to: &out)
                duplicates += 1
            }
        }
        try SealedFile.write(files.decisions(task.rank), out.bytes)
        var stats = TaskStats()
        stats.bytesIn = Int64(reader.payloadSize)
        stats.bytesOut = Int64(out.bytes.count)
        stats.made = ["duplicates": duplicates, "pairs compared": pairs]
        return stats
    }

    /// Each member at least `threshold` similar to an earlier one, with the most similar of
    /// those (the earliest of equals). Similarities in blocks of rows within `memory` bytes.
    func duplicatesIn(_ members: [EmbeddedDocument], dimension d: Int, memory: Int) -> [SemanticDuplicate] {
        let m = members.count
        let matrix = members.flatMap(\.vector)
        let rowsPerBlock = max(1, min(m, memory / 4 / m))
        var similarities = [Float](repeating: 0, count: rowsPerBlock * m)
        var found: [SemanticDuplicate] = []
        matrix.withUnsafeBufferPointer { x in
            similarities.withUnsafeMutableBufferPointer { s in
                var start = 1
                while start < m {
                    let rows = min(rowsPerBlock, m - start)
                    // Row j's similarities to the members before it: columns 0..<j.
                    SimilarityMatrix.multiply(UnsafeBufferPointer(rebasing: x[(start * d)..<((start + rows) * d)]), rows: rows,
                                              UnsafeBufferPointer(rebasing: x[0..<((start + rows - 1) * d)]), rows: start + rows - 1,
                                              dimension: d, into: s, using: settings.similarity)
                    let width = start + rows - 1
                    for r in 0..<rows {
                        let j = start + r
                        var best = 0
                        for i in 1..<j where s[r * width + i] > s[r * width + best] { best = i }
                        if s[r * width + best] >= settings.threshold {
                            found.append(SemanticDuplicate(shard: members[j].shard, line: members[j].line,
                                                           similarity: s[r * width + best], keptID: members[best].id))
                        }
                    }
                    start += rows
                }
            }
        }
        return found
    }

    // MARK: Phase 3

    private func remove(_ task: TaskAssignment, _ files: SemanticFiles) throws -> TaskStats {
        let shardIndex = Dictionary(uniqueKeysWithValues: task.inputShards.enumerated().map { ($1, $0) })
        let mine = Set(task.shards.map { shardIndex[$0]! })
        var duplicates: [Int: [Int: SemanticDuplicate]] = [:]
        for b in 0..<settings.buckets {
            for found in try SemanticDuplicate.readAll(files.decisions(b), bucket: b) where mine.contains(found.shard) {
                duplicates[found.shard, default: [:]][found.line] = found
            }
        }
        return try DuplicateRemoval.run(task, mode: mode, label: "dedup: semantic duplicate") { shard, line, doc in
            guard let duplicate = duplicates[shard]?[line] else { return nil }
            doc.metadata[ClusterPlan.duplicateOfKey] = .string(String(decoding: duplicate.keptID, as: UTF8.self))
            doc.metadata["semantic_similarity"] = JSONValue((Double(duplicate.similarity) * 1e4).rounded() / 1e4)
            return true
        }
    }
}
