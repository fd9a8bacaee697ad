import Foundation
import Testing

/// `kill -9` of the runner and its tasks at arbitrary moments, then `winnow run` again: the
/// end result must be byte-identical to a run that was never interrupted.
@Suite(.serialized) struct ResumeTests {
    func pipeline(_ name: String, workdir: String, shards: String) -> String {
        switch name {
        case "filters": return filterPipeline(workdir: workdir)
        case "many-shards": return manyShardPipeline(workdir: workdir, shards: shards)
        case "dedup": return dedupPipeline(workdir: workdir)
        default: return mixPackPipeline(workdir: workdir)
        }
    }

    /// Dedup's multi-phase methods, whose phases pass sealed files: MinHash (signatures,
    /// buckets, clusters, removal), then exact substrings.
    func dedupPipeline(workdir: String) -> String {
        """
        name: resume-dedup
        workdir: \(workdir)
        seed: 11
        input: ["\(CLI.repoRoot)/Samples/web/part-0000[012].jsonl.zst", "\(CLI.repoRoot)/Samples/broken/bad-lines.jsonl"]
        workers: 1
        retries: 0
        steps:
          - id: minhash
            stage: dedup
            from: input
            method: minhash
            mode: drop
          - id: substring
            stage: dedup
            from: minhash
            method: substring
            min_bytes: 100
        """
    }

    /// The multi-phase stages, whose tasks keep files between phases: tag → mix → pack.
    func mixPackPipeline(workdir: String) -> String {
        """
        name: resume-mix-pack
        workdir: \(workdir)
        seed: 11
        input: ["\(CLI.repoRoot)/Samples/web/part-0000[01].jsonl.zst", "\(CLI.repoRoot)/Samples/broken/bad-lines.jsonl"]
        workers: 1
        retries: 0
        steps:
          - id: tag
            stage: tag
            from: input
            domain_rules: \(CLI.repoRoot)/Pipelines/rules/domains.txt
          - id: mix
            stage: mix
            from: tag
            weights: {Technology: 0.5, Education: 0.5}
            buckets: 2
            phases:
              - name: main
                fraction: 0.9
              - name: cooldown
                fraction: 0.1
          - id: tokenizer
            stage: tokenizer-train
            from: mix
            vocab_size: 300
            byte_budget: 200000
          - id: pack
            stage: pack
            from: mix
            tokenizer_step: tokenizer
            packing: best-fit
            seq_len: 128
        """
    }

    /// Far more shards than workers, so the local executor's workers take tasks ahead and
    /// record them in batches (`TaskWorker`): a kill between a task's work and its record must
    /// cost only a rerun of that task.
    func manyShardPipeline(workdir: String, shards: String) -> String {
        """
        name: resume-many
        workdir: \(workdir)
        seed: 11
        input: [\(shards)/*.jsonl]
        workers: 2
        retries: 0
        steps:
          - id: words
            stage: filter
            from: input
            rules:
              - rule: length
                unit: words
                min: 10
          - id: dedup
            stage: dedup
            from: words
            method: exact
        """
    }

    func filterPipeline(workdir: String) -> String {
        """
        name: resume
        workdir: \(workdir)
        seed: 11
        input: [\(CLI.repoRoot)/Samples/web/*.jsonl.zst, \(CLI.repoRoot)/Samples/broken/bad-lines.jsonl]
        workers: 1
        retries: 0
        steps:
          - id: words
            stage: filter
            from: input
            rules:
              - rule: length
                unit: words
                min: 300
                mode: tag
              - rule: length
                unit: characters
                max: 60000
          - id: english
            stage: filter
            from: words
            rules:
              - rule: field
                key: language
                in: [en]
        """
    }

    /// Starts `winnow run` as the leader of a new process group, so the test can kill the
    /// runner and every task it started in one blow.
    func spawnRunner(_ pipelinePath: String) -> pid_t {
        CLI.spawnGroupLeader(["run", pipelinePath])
    }

    func outputs(_ workdir: String) throws -> [String: Data] {
        // Stats hold timings and logs hold pids; the data and the rejects must be identical.
        try CLI.tree(workdir) { path in
            !(path.contains("/output/") || path.contains("/rejected/")) && !path.hasSuffix("/output") && !path.hasSuffix("/rejected")
        }
    }

    @Test(arguments: ["filters", "mix-pack", "dedup", "many-shards"])
    func killedRunsResumeToTheSameBytes(_ name: String) throws {
        let dir = try CLI.temporaryDirectory("resume")
        let shards = "\(dir)/shards"
        if name == "many-shards" { try CLI.writeSmallShards(200, in: shards) }
        let reference = try CLI.writePipeline(pipeline(name, workdir: "\(dir)/reference", shards: shards), in: dir)
        #expect(try CLI.run(["run", reference]).status == 0)
        let expected = try outputs("\(dir)/reference")
        if name == "filters" {
            #expect(expected.keys.contains("english/output/web__part-00003.jsonl.zst"))
            #expect(expected.keys.contains("words/rejected/broken__bad-lines.jsonl.zst"))
        } else if name == "many-shards" {
            #expect(expected.keys.contains("dedup/output/shard-199.jsonl.zst"))
        } else if name == "dedup" {
            #expect(expected.keys.contains("substring/output/web__part-00002.jsonl.zst"))
            #expect(expected.keys.contains { $0.hasPrefix("minhash/rejected/") })
        } else {
            #expect(expected.keys.contains("pack/output/train_main_text_document.idx"))
            #expect(expected.keys.contains("mix/rejected/broken__bad-lines.jsonl.zst"))
        }

        let killedDir = "\(dir)/killed"
        try FileManager.default.createDirectory(atPath: killedDir, withIntermediateDirectories: true)
        let path = try CLI.writePipeline(pipeline(name, workdir: "\(killedDir)/run", shards: shards), in: killedDir)
        var kills = 0, partialKills = 0
        var delay = 0.15
        while kills < 30 {
            let pid = spawnRunner(path)
            Thread.sleep(forTimeInterval: delay)
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { break } // finished before the kill
            kill(-pid, SIGKILL)
            waitpid(pid, &status, 0)
            kills += 1
            delay *= 1.3
            // A kill "mid-step" leaves a step with some tasks done and some not.
            if let report = try? CLI.json(try CLI.run(["status", "\(killedDir)/run", "--json"]).stdout),
               let steps = report["steps"] as? [[String: Any]],
               steps.contains(where: { step in
                   let tasks = step["tasks"] as? [String: Int] ?? [:]
                   return (tasks["done"] ?? 0) > 0 && (tasks["done"] ?? 0) < (tasks["total"] ?? 0)
               }) {
                partialKills += 1
            }
        }
        let final = try CLI.run(["run", path])
        #expect(final.status == 0, "\(final.stderr)")
        #expect(kills > 0)
        #expect(partialKills > 0, "no kill landed in the middle of a step")
        let got = try outputs("\(killedDir)/run")
        #expect(got.keys.sorted() == expected.keys.sorted())
        for (name, bytes) in expected { #expect(got[name] == bytes, "\(name) differs after kill and resume") }
        // No temporary file survives a finished run.
        let leftovers = try CLI.tree("\(killedDir)/run").keys.filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
