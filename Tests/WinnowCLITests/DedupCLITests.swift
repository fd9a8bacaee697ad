import Foundation
import Testing

/// MinHash dedup through the command line: `winnow run` with the four phases, their figures in
/// `winnow status`, and `winnow inspect STEP --cluster ID` for a cluster named in the output.
@Suite struct DedupCLITests {
    @Test func runStatusAndInspectACluster() throws {
        let dir = try CLI.temporaryDirectory("dedup")
        let path = try CLI.writePipeline("""
            name: dedup-cli
            workdir: \(dir)/run
            input: [\(CLI.repoRoot)/Samples/web/part-00000.jsonl.zst]
            steps:
              - id: near
                stage: dedup
                from: input
                method: minhash
                mode: tag
            """, in: dir)
        let run = try CLI.run(["run", path])
        #expect(run.status == 0, "\(run.stderr)")

        let status = try CLI.json(try CLI.run(["status", "\(dir)/run", "--json"]).stdout)
        let steps = status["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["step"] as? String } == ["near#0", "near#1", "near#2", "near#3"])
        let clustering = (steps[2]["counters"] as? [String: Any])?["made"] as? [String: Int] ?? [:]
        #expect((clustering["clusters"] ?? 0) > 0)

        // A clustered document's id names its cluster; inspect lists that cluster.
        let output = try CLI.run(["inspect", "\(dir)/run/near/output", "--head", "200", "--json"])
        let head = (try CLI.json(output.stdout))["head"] as? [[String: Any]] ?? []
        let tagged = head.compactMap { ($0["metadata"] as? [String: Any])?["minhash_cluster_id"] as? String }
        let cluster = try #require(tagged.first)
        let inspected = try CLI.json(try CLI.run(["inspect", "\(dir)/run/near", "--cluster", cluster, "--json"]).stdout)
        let members = inspected["members"] as? [[String: Any]] ?? []
        #expect(members.count == tagged.filter { $0 == cluster }.count)
        #expect(members.filter { $0["kept"] as? Bool == true }.count == 1)

        let unknown = try CLI.run(["inspect", "\(dir)/run/near", "--cluster", "0:999999"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no cluster 0:999999"))
    }
}
