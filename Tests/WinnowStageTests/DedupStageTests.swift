import Foundation
import Testing
import WinnowCore

/// The dedup stage on planted duplicates: identical documents across shards, near-identical
/// ones that only normalisation makes equal, empty and one-word documents, bad lines, and a
/// damaged intermediate file.
@Suite struct DedupStageTests {
    static let shards: [[String]] = [
        [
            #"{"id":"a1","text":"The same page, twice.","metadata":{"url":"https://x.org/a","score":0.2}}"#,
            #"{"id":"e1","text":""}"#,
            #"{"id":"w1","text":"word"}"#,
            #"{"id":"u1","text":"unique one","metadata":{"url":"https://x.org/u1"}}"#,
            #"{"id":"bad","text":"unterminated"#,
        ],
        [
            #"{"id":"a2","text":"The same page, twice.","metadata":{"url":"https://x.org/a2","score":0.9}}"#,
            #"{"id":"n1","text":"  the SAME page twice  ","metadata":{"url":"https://x.org/a"}}"#,
            #"{"id":"w2","text":"word"}"#,
            #"{"id":"notext","metadata":{}}"#,
        ],
        [
            #"{"id":"e2","text":""}"#,
            #"{"id":"a3","text":"The same page, twice.","metadata":{"score":0.5}}"#,
            #"{"id":"u2","text":"unique two"}"#,
        ],
    ]

    static func steps(_ settings: String, tasks: Int? = nil) -> String {
        """
          - id: dedup
            stage: dedup
            from: input
            \(tasks.map { "tasks: \($0)" } ?? "")
        \(settings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    func ids(_ docs: [Document]) -> [String] { docs.map(\.id) }

    @Test func dropsAllButTheFirstOfEachClusterAcrossShards() throws {
        let input = try StageHarness.writeShards("dedup", Self.shards)
        let run = try StageHarness("dedup", steps: Self.steps("method: exact\nbuckets: 3"), input: input)
        let phases = try run.run("dedup")
        let (sign, match, cluster, remove) = (phases[0], phases[1], phases[2], phases[3])
        #expect(sign.docsIn == 12 && sign.addsUp && sign.docsSkipped == 2 && sign.made["signed documents"] == 10)
        #expect(match.made == ["keys": 10, "shared keys": 3, "candidate pairs": 4])
        #expect(cluster.made == ["clusters": 3, "duplicates": 4, "documents in clusters": 7, "largest cluster": 3])
        #expect(remove.docsIn == 12 && remove.addsUp && remove.docsKept == 6 && remove.docsRejected == 6)
        #expect(remove.rejectedBy["dedup: duplicate"] == 4 && remove.invalidLines == 2)

        #expect(ids(try run.documents(in: run.output("dedup"))) == ["a1", "e1", "w1", "u1", "n1", "u2"])
        let rejected = try run.documents(in: run.rejected("dedup")).filter { $0.metadata["duplicate_of"] != nil }
        let pairs = rejected.map { "\($0.id)->\($0.metadata["duplicate_of"]!.stringValue!)" }.sorted()
        #expect(pairs == ["a2->a1", "a3->a1", "e2->e1", "w2->w1"])
        // Clusters are named by their first document (shard:line); the kept one carries its size.
        #expect(rejected.first { $0.id == "a3" }?.metadata["exact_cluster_id"]?.stringValue == "0:1")
        #expect(try run.documents(in: run.output("dedup")).first?.metadata["exact_cluster_size"]?.doubleValue == 3)
    }

    @Test func normalisationAndKeepHighestWithTagging() throws {
        let input = try StageHarness.writeShards("dedup-tag", Self.shards)
        let run = try StageHarness("dedup-tag", steps: Self.steps("""
            method: exact
            mode: tag
            normalize: [lowercase, punctuation, whitespace]
            keep: highest score
            """), input: input)
        let phases = try run.run("dedup")
        #expect(phases[2].made["clusters"] == 3 && phases[2].made["duplicates"] == 5)
        let out = try run.documents(in: run.output("dedup"))
        #expect(out.count == 10 && phases[3].made["tagged"] == 8)
        let page = out.filter { ["a1", "a2", "a3", "n1"].contains($0.id) }
        #expect(page.allSatisfy { $0.metadata["exact_cluster_size"]?.doubleValue == 4 })
        #expect(Set(page.compactMap { $0.metadata["exact_cluster_id"]?.stringValue }) == ["0:1"])
        // a2 has the highest score, so it is the one the others point to.
        #expect(page.filter { $0.metadata["duplicate_of"] == nil }.map(\.id) == ["a2"])
        #expect(page.compactMap { $0.metadata["duplicate_of"]?.stringValue }.allSatisfy { $0 == "a2" })
        #expect(out.first { $0.id == "u1" }?.metadata["exact_cluster_id"] == nil)
    }

    @Test func urlDedupLeavesDocumentsWithoutAURLAlone() throws {
        let input = try StageHarness.writeShards("dedup-url", Self.shards)
        let run = try StageHarness("dedup-url", steps: Self.steps("method: url"), input: input)
        let phases = try run.run("dedup")
        #expect(phases[0].made["signed documents"] == 4 && phases[0].made["documents without url"] == 6)
        #expect(phases[2].made["duplicates"] == 1)
        let dropped = try run.documents(in: run.rejected("dedup")).filter { $0.metadata["duplicate_of"] != nil }
        #expect(dropped.map(\.id) == ["n1"])
    }

    /// Any task count and bucket count gives the same bytes.
    @Test func outputIsTheSameForAnyTaskAndBucketCount() throws {
        let input = try StageHarness.writeShards("dedup-det", Self.shards)
        var outputs: [[String: [UInt8]]] = []
        for (tasks, buckets) in [(nil, 16), (1, 1), (2, 5)] as [(Int?, Int)] {
            let run = try StageHarness("dedup-det", steps: Self.steps("buckets: \(buckets)", tasks: tasks), input: input)
            try run.run("dedup")
            outputs.append(try run.files(under: run.output("dedup")).merging(
                try run.files(under: run.rejected("dedup")).map { ("rejected/" + $0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
        }
        #expect(outputs[0].count == 6)
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
    }

    /// A signature file cut short between phases is an error naming it and the task that wrote
    /// it, never read as whole.
    @Test func aDamagedSignatureFileIsRefused() throws {
        let input = try StageHarness.writeShards("dedup-damage", Self.shards)
        let run = try StageHarness("dedup-damage", steps: Self.steps("buckets: 1"), input: input)
        _ = try run.run("dedup", phase: 0)
        let path = "\(run.workdir.stepDirectory("dedup"))/signatures/p0/00001-0.bin"
        let bytes = try readFile(path)
        try writeFileAtomically(path, Array(bytes.dropLast(5)))
        #expect { try run.run("dedup", phase: 1) } throws: { error in
            guard let damaged = error as? DamagedIntermediate else { return false }
            return damaged.path == path && damaged.producer == PhaseTask(phase: 0, rank: 1)
        }
    }

    @Test func settingsOfAnotherMethodAreRefused() throws {
        #expect { try StageHarness("dedup-keys", steps: Self.steps("method: exact\nbands: 9")) } throws: { error in
            "\(error)".contains("'bands' applies to method: minhash, not exact")
        }
    }
}
