import Foundation
import Testing

/// End-to-end tests through the real command line: `winnow run`, `task`, `status`, `inspect`.
@Suite(.serialized) struct RunTests {
    func pipeline(workdir: String, input: String = "Samples/web/*.jsonl.zst", workers: Int = 2, extra: String = "") -> String {
        """
        name: e2e
        workdir: \(workdir)
        seed: 3
        input: [\(input)]
        workers: \(workers)
        retries: 0
        \(extra)
        steps:
          - id: clean
            stage: filter
            from: input
            rules:
              - rule: length
                unit: words
                min: 100
              - rule: field
                key: language
                not_in: [ja, zh]
          - id: copy
            stage: filter
            from: clean
        """
    }

    @Test func runsAPipelineAndCountersAddUp() throws {
        let dir = try CLI.temporaryDirectory("run")
        let path = try CLI.writePipeline(pipeline(workdir: "\(dir)/run"), in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/run/clean/output/part-00000.jsonl.zst"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/run/clean/rejected/part-00000.jsonl.zst"))

        let status = try CLI.json(try CLI.run(["status", "\(dir)/run", "--json"]).stdout)
        let steps = status["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["step"] as? String } == ["clean", "copy"])
        let clean = steps[0]["counters"] as? [String: Any] ?? [:]
        let docsIn = clean["docs_in"] as? Int ?? -1, kept = clean["docs_kept"] as? Int ?? -1
        let rejected = clean["docs_rejected"] as? Int ?? -1
        #expect(docsIn == 560)
        #expect(docsIn == kept + rejected)
        let reasons = clean["rejected_by"] as? [String: Int] ?? [:]
        #expect(reasons.values.reduce(0, +) == rejected)
        #expect(reasons["field: language in [ja, zh]"] != nil)
        let copy = steps[1]["counters"] as? [String: Any] ?? [:]
        #expect(copy["docs_in"] as? Int == kept)

        // The kept and rejected shards hold exactly the counted documents.
        let keptShards = try CLI.json(try CLI.run(["inspect", "\(dir)/run/clean/output", "--json"]).stdout)
        #expect(keptShards["documents"] as? Int == kept)
        let rejectedShards = try CLI.json(try CLI.run(["inspect", "\(dir)/run/clean/rejected", "--json"]).stdout)
        #expect(rejectedShards["documents"] as? Int == rejected)
        let metadata = rejectedShards["metadata"] as? [String: Any] ?? [:]
        #expect((metadata["rejected_by"] as? [String: Any])?["present"] as? Int == rejected)

        // A second run finds everything finished and changes nothing.
        let before = try CLI.tree("\(dir)/run/copy/output")
        let again = try CLI.run(["run", path])
        #expect(again.status == 0)
        #expect(again.stderr.contains("4 already done"))
        #expect(try CLI.tree("\(dir)/run/copy/output") == before)

        let text = try CLI.run(["status", "\(dir)/run"]).stdout
        #expect(text.contains("step clean (filter): finished; tasks 4 done, 0 failed, 0 running, 0 pending of 4"))
    }

    @Test func changedSettingsAreNotSilentlyMixedWithOldOutput() throws {
        let dir = try CLI.temporaryDirectory("changed")
        let path = try CLI.writePipeline(pipeline(workdir: "\(dir)/run"), in: dir)
        #expect(try CLI.run(["run", path]).status == 0)
        _ = try CLI.writePipeline(pipeline(workdir: "\(dir)/run").replacingOccurrences(of: "min: 100", with: "min: 50"), in: dir)
        let refused = try CLI.run(["run", path])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("step 'clean' has finished tasks but its settings or an earlier step changed since; redo it with --from clean"))
        let redone = try CLI.run(["run", path, "--from", "clean"])
        #expect(redone.status == 0, "\(redone.stderr)")
    }

    @Test func brokenInputIsRejectedOrFailsOnlyItsOwnTask() throws {
        let dir = try CLI.temporaryDirectory("broken")
        let path = try CLI.writePipeline(pipeline(workdir: "\(dir)/run", input: "Samples/broken/*"), in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 1)
        // Each of the two damaged files fails its own task, named with its file and offset.
        #expect(result.stderr.contains("truncated.jsonl.zst: zstd stream is truncated: the file ends inside a frame (at compressed byte offset 29644)"))
        #expect(result.stderr.contains("corrupt.jsonl.gz: gzip data is corrupt"))
        #expect(result.stderr.contains("log: \(dir)/run/clean/logs/"))

        // The other shards were processed, and their bad lines were kept with the reason.
        let status = try CLI.json(try CLI.run(["status", "\(dir)/run", "--json"]).stdout)
        let clean = (status["steps"] as? [[String: Any]])?.first ?? [:]
        let tasks = clean["tasks"] as? [String: Int] ?? [:]
        // bad-lines.jsonl, good.jsonl.gz and damaged.warc.gz (its broken records are quarantined).
        #expect(tasks["done"] == 3)
        #expect(tasks["failed"] == 2)
        let rejected = try CLI.json(try CLI.run(["inspect", "\(dir)/run/clean/rejected/bad-lines.jsonl.zst", "--json", "--head", "20"]).stdout)
        let docs = rejected["head"] as? [[String: Any]] ?? []
        let invalid = docs.compactMap { $0["metadata"] as? [String: Any] }.filter { ($0["rejected_by"] as? String)?.hasPrefix("reader:") == true }
        #expect(invalid.map { $0["source_line"] as? Int } == [3, 6, 8, 11, 13, 16])
        #expect(invalid.allSatisfy { ($0["source_file"] as? String)?.hasSuffix("Samples/broken/bad-lines.jsonl") == true })
        // The line that is not UTF-8 is kept byte for byte.
        let raw = invalid.first { $0["source_line"] as? Int == 13 }?["raw_base64"] as? String
        let original = try String(contentsOfFile: "\(CLI.repoRoot)/Samples/broken/bad-lines.jsonl", encoding: .isoLatin1)
            .split(separator: "\n", omittingEmptySubsequences: false)[12]
        #expect(raw.flatMap { Data(base64Encoded: $0) } == original.data(using: .isoLatin1))
    }

    @Test func failedTasksAreRetriedThenReported() throws {
        let dir = try CLI.temporaryDirectory("retry")
        let yaml = pipeline(workdir: "\(dir)/run", input: "Samples/broken/truncated.jsonl.zst").replacingOccurrences(of: "retries: 0", with: "retries: 2")
        let path = try CLI.writePipeline(yaml, in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("task 0 failed (") && result.stderr.contains("retrying"))
        let status = try CLI.json(try CLI.run(["status", "\(dir)/run", "--json"]).stdout)
        let failures = (status["steps"] as? [[String: Any]])?.first?["failures"] as? [[String: Any]] ?? []
        #expect(failures.count == 1)
        #expect(failures.first?["attempts"] as? Int == 3)
        let log = try String(contentsOfFile: "\(dir)/run/clean/logs/0.log", encoding: .utf8)
        #expect(log.components(separatedBy: "attempt ").count - 1 == 3, "every attempt is in the task's log")
        // Nothing of the damaged shard is published.
        #expect(try CLI.tree("\(dir)/run/clean/output").isEmpty)
    }

    @Test func aTaskRunsOnItsOwnAsASchedulerWouldStartIt() throws {
        let dir = try CLI.temporaryDirectory("task")
        let path = try CLI.writePipeline(pipeline(workdir: "\(dir)/run"), in: dir)
        let result = try CLI.run(["task", path, "--step", "clean", "--rank", "1", "--world", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        // Rank 1 of 3 takes shards 1 and 4, 7, …: of four shards, only part-00001.
        #expect(try CLI.tree("\(dir)/run/clean/output").keys.sorted() == ["part-00001.jsonl.zst"])
        #expect(result.stdout.contains("step clean task 1/3 attempt 1: 1 shard(s)"))
        let bad = try CLI.run(["task", path, "--step", "nope", "--rank", "0", "--world", "1"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("no step 'nope' (steps: clean, copy)"))
    }

    @Test func unknownKeyIsAClearError() throws {
        let dir = try CLI.temporaryDirectory("unknown")
        let path = try CLI.writePipeline(pipeline(workdir: "\(dir)/run").replacingOccurrences(of: "unit: words", with: "units: words"), in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 2)
        #expect(result.stderr == "winnow: \(path):14: step 'clean', rule 1: unknown key 'units' (known keys: max, min, mode, name, rule, unit)\n")
    }

    @Test func oversizedDocumentsAreRejectedByMaxDocBytes() throws {
        let dir = try CLI.temporaryDirectory("maxbytes")
        let path = try CLI.writePipeline(pipeline(workdir: "\(dir)/run", extra: "max_doc_bytes: 30000"), in: dir)
        #expect(try CLI.run(["run", path, "--only", "clean"]).status == 0)
        let status = try CLI.json(try CLI.run(["status", "\(dir)/run", "--json"]).stdout)
        let counters = (status["steps"] as? [[String: Any]])?.first?["counters"] as? [String: Any] ?? [:]
        #expect(((counters["rejected_by"] as? [String: Int])?["reader: document over max_doc_bytes"] ?? 0) > 0)
    }

    @Test func inspectSummarisesShards() throws {
        let result = try CLI.run(["inspect", "Samples/web", "--head", "1"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("4 shards\n  documents: 560\n"))
        #expect(result.stdout.contains("    language: 560/560 (100.0%): 25 distinct strings, top: en (129)"))
        let broken = try CLI.run(["inspect", "Samples/broken/bad-lines.jsonl"])
        #expect(broken.stdout.contains("invalid line Samples/broken/bad-lines.jsonl:13: invalid UTF-8"))
        let truncated = try CLI.run(["inspect", "Samples/broken/truncated.jsonl.zst"])
        #expect(truncated.status == 1)
        #expect(truncated.stdout.contains("UNREADABLE Samples/broken/truncated.jsonl.zst"))
    }
}
