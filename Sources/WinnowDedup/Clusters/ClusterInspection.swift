import WinnowCore

/// One cluster of a finished `dedup` step (`winnow inspect STEP_FOLDER --cluster ID`): every
/// member with its place, id, whether it was kept, and the start of its text, read back from
/// the input shards, so a user can see why documents were called duplicates.
public struct ClusterInspection {
    public struct Member {
        public var shard: String
        public var line: Int
        public var id: String
        public var kept: Bool
        public var characters: Int
        public var preview: String
    }

    public let cluster: String
    public let members: [Member]

    /// `cluster` is a cluster id as the step writes it (`shard:line` of its first document).
    public init(stepDirectory: String, cluster: String) throws {
        let files = ClusterFiles(stepDirectory: stepDirectory)
        let parts = cluster.split(separator: ":")
        guard parts.count == 2, let shard = Int(parts[0]), let line = Int(parts[1]) else {
            throw WinnowError.invalid("'\(cluster)' is not a cluster id: ids are SHARD:LINE, as minhash_cluster_id (or exact_/url_cluster_id) holds")
        }
        let paths = try Self.inputShards(files)
        let target = DocumentRef(shard: shard, line: line)
        var found: [(ref: DocumentRef, kept: Bool)] = []
        for index in paths.keys.sorted() {
            let path = files.decisions(shard: index)
            guard fileExists(path) else { continue }
            for decision in try Decision.readAll(path) where decision.cluster == target {
                let ref = DocumentRef(shard: index, line: decision.line)
                found.append((ref, decision.kept == ref))
            }
        }
        guard !found.isEmpty else {
            throw WinnowError.invalid("\(stepDirectory): no cluster \(cluster) (documents without a duplicate are in none)")
        }
        var members: [Member] = []
        for (shardIndex, group) in Dictionary(grouping: found, by: { $0.ref.shard }).sorted(by: { $0.key < $1.key }) {
            let wanted = Dictionary(uniqueKeysWithValues: group.map { ($0.ref.line, $0.kept) })
            let reader = try ShardReader(path: paths[shardIndex]!)
            while let record = try reader.next() {
                guard case let .document(doc, line) = record, let kept = wanted[line] else { continue }
                let text = doc.textString
                members.append(Member(shard: paths[shardIndex]!, line: line, id: doc.id, kept: kept, characters: text.unicodeScalars.count,
                                      preview: text.preview(100)))
            }
        }
        self.cluster = cluster
        self.members = members
    }

    /// Input shards by index, from the signature manifests the step wrote.
    private static func inputShards(_ files: ClusterFiles) throws -> [Int: String] {
        let manifests = try files.writtenManifests()
        guard !manifests.isEmpty else {
            throw WinnowError.invalid("\(files.root): not the folder of a dedup step with clusters (exact, url or minhash), or its first phase has not run")
        }
        var paths: [Int: String] = [:]
        for shard in manifests.flatMap(\.shards) { paths[shard.index] = shard.path }
        return paths
    }

    public var text: String {
        var out = "cluster \(cluster): \(members.count) documents, kept: \(members.first { $0.kept }?.id ?? "none")\n"
        for m in members {
            out += "  \(m.kept ? "kept     " : "duplicate") \(m.shard):\(m.line)  \(m.id)  (\(m.characters) chars)\n"
            out += "            \(m.preview)\n"
        }
        return out
    }

    public var json: JSONValue {
        .object(JSONObject([
            .init(key: "cluster", value: .string(cluster)),
            .init(key: "members", value: .array(members.map { m in
                .object(JSONObject([
                    .init(key: "shard", value: .string(m.shard)), .init(key: "line", value: JSONValue(m.line)),
                    .init(key: "id", value: .string(m.id)), .init(key: "kept", value: .bool(m.kept)),
                    .init(key: "characters", value: JSONValue(m.characters)), .init(key: "preview", value: .string(m.preview)),
                ]))
            })),
        ]))
    }
}
