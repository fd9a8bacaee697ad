import Foundation
import Testing
import WinnowCore

/// `Scripts/test.sh` says a local S3-compatible store is up (Scripts/s3/local-store.sh).
let objectStoreExpected = ProcessInfo.processInfo.environment["WINNOW_S3_TESTS"] == "1"

/// Pipelines that read `s3://` input and write a step's `output:` to a bucket, against a real
/// S3-compatible server (SeaweedFS on loopback), with and without a misbehaving proxy between:
/// the same bytes as on local disk, resumable after kill -9 with nothing left half-uploaded,
/// and clear errors, before any task runs, for a missing bucket, a wrong key or no store.
@Suite(.serialized, .enabled(if: objectStoreExpected, "needs a local S3 store: Scripts/test.sh starts one (Scripts/s3/local-store.sh)"))
struct ObjectStorageCLITests {
    static let environment = ProcessInfo.processInfo.environment
    static let endpoint = environment["AWS_ENDPOINT_URL"] ?? ""

    /// A fresh bucket holding the web samples under `in/`.
    func bucketWithSamples(_ name: String) throws -> String {
        let bucket = "t-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try ObjectStore.createBucket(bucket)
        for shard in ["part-00000", "part-00001", "part-00002", "part-00003"] {
            let bytes = try readFile("\(CLI.repoRoot)/Samples/web/\(shard).jsonl.zst")
            try ObjectStore.put("s3://\(bucket)/in/\(shard).jsonl.zst", bytes)
        }
        return bucket
    }

    func pipeline(workdir: String, input: String, output: String?) -> String {
        """
        name: s3-test
        workdir: \(workdir)
        input: [\(input)]
        steps:
          - id: filter
            stage: filter
            from: input
        \(output.map { "    output: \($0)" } ?? "")
            rules:
              - rule: length
                unit: words
                min: 50
              - rule: gopher_repetition
          - id: dedup
            stage: dedup
            from: filter
            method: minhash
        """
    }

    /// The shards (output and rejected) of a run's workdir.
    func shards(_ workdir: String) throws -> [String: Data] {
        try CLI.tree(workdir) { !($0.contains("/output/") || $0.contains("/rejected/")) }
    }

    /// The same pipeline on local disk: the shards of both steps.
    func localReference(_ dir: String) throws -> [String: Data] {
        let path = try CLI.writePipeline(pipeline(workdir: "\(dir)/local", input: "\(CLI.repoRoot)/Samples/web/*.jsonl.zst", output: nil), in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        return try shards("\(dir)/local")
    }

    /// What the bucket run wrote, named as the local run names it: the objects under
    /// `out/filter/` as `filter/output/…` and `filter/rejected/…`, and dedup's shards in the workdir.
    func bucketRun(bucket: String, workdir: String) throws -> [String: Data] {
        var files = try shards(workdir)
        for object in try ObjectStore.list(bucket: bucket, prefix: "out/filter/").objects {
            let name = String(object.key.dropFirst("out/filter/".count))
            let local = name.hasPrefix("rejected/") ? "filter/\(name)" : "filter/output/\(name)"
            files[local] = Data(try readFile("s3://\(bucket)/\(object.key)"))
        }
        return files
    }

    func s3Pipeline(_ dir: String, bucket: String) throws -> String {
        try CLI.writePipeline(pipeline(workdir: "\(dir)/run", input: "s3://\(bucket)/in/*.jsonl.zst", output: "s3://\(bucket)/out/filter"), in: dir)
    }

    @Test func bucketInputAndOutputGiveTheBytesOfLocalDisk() throws {
        let dir = try CLI.temporaryDirectory("s3-same")
        let expected = try localReference(dir)
        #expect(expected.keys.contains("filter/rejected/part-00000.jsonl.zst"))
        let bucket = try bucketWithSamples("same")
        // Small parts, so outputs go up as multipart uploads of several parts.
        let result = try CLI.run(["run", try s3Pipeline(dir, bucket: bucket)], environment: ["WINNOW_S3_PART_KB": "64"])
        #expect(result.status == 0, "\(result.stderr)")
        let got = try bucketRun(bucket: bucket, workdir: "\(dir)/run")
        #expect(got.keys.sorted() == expected.keys.sorted())
        for (name, bytes) in expected { #expect(got[name] == bytes, "\(name) differs") }
        // The workdir holds no shards of the step that writes to the bucket.
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/run/filter/output/part-00000.jsonl.zst"))

        // inspect reads objects; --from filter deletes the step's objects and writes them again.
        let inspect = try CLI.run(["inspect", "s3://\(bucket)/in/part-00000.jsonl.zst"])
        #expect(inspect.status == 0 && inspect.stdout.contains("documents"), "\(inspect.stdout)\(inspect.stderr)")
        let again = try CLI.run(["run", "\(dir)/pipeline.yaml", "--from", "filter"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try bucketRun(bucket: bucket, workdir: "\(dir)/run") == expected)
    }

    @Test func killedRunsResumeToTheSameBytesWithNoUploadLeft() throws {
        let dir = try CLI.temporaryDirectory("s3-kill")
        let expected = try localReference(dir)
        let bucket = try bucketWithSamples("kill")
        let path = try s3Pipeline(dir, bucket: bucket)
        // Through a proxy that adds latency, so kills land during uploads.
        let proxy = try FaultProxy(arguments: ["--latency-ms", "30"])
        defer { proxy.stop() }
        var kills = 0
        var delay = 0.4
        while kills < 8 {
            let pid = CLI.spawnGroupLeader(["run", path], environment: ["AWS_ENDPOINT_URL": proxy.endpoint, "WINNOW_S3_PART_KB": "32"])
            Thread.sleep(forTimeInterval: delay)
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { break }
            kill(-pid, SIGKILL)
            waitpid(pid, &status, 0)
            kills += 1
            delay *= 1.4
        }
        #expect(kills > 0)
        let final = try CLI.run(["run", path], environment: ["WINNOW_S3_PART_KB": "32"])
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try bucketRun(bucket: bucket, workdir: "\(dir)/run") == expected)
        #expect(try MultipartUpload.unfinished(bucket: bucket, prefix: "out/").isEmpty)
    }

    @Test func failingRequestsAreRetriedToTheSameBytes() throws {
        let dir = try CLI.temporaryDirectory("s3-faults")
        let expected = try localReference(dir)
        let bucket = try bucketWithSamples("faults")
        let log = "\(dir)/proxy.log"
        let proxy = try FaultProxy(arguments: ["--error-rate", "0.05", "--drop-rate", "0.03", "--stall-rate", "0.02",
                                               "--stall-seconds", "4", "--seed", "7", "--log", log])
        defer { proxy.stop() }
        let result = try CLI.run(["run", try s3Pipeline(dir, bucket: bucket)],
                                 environment: ["AWS_ENDPOINT_URL": proxy.endpoint, "WINNOW_S3_PART_KB": "64", "WINNOW_S3_STALL_SECONDS": "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try bucketRun(bucket: bucket, workdir: "\(dir)/run") == expected)
        let fates = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(fates.contains("-> 503") && fates.contains("-> drop"), "the proxy misbehaved on no request")
    }

    @Test func aStoreThatGoesAwayIsAClearErrorAndTheRunResumesWhenItIsBack() throws {
        let dir = try CLI.temporaryDirectory("s3-away")
        let expected = try localReference(dir)
        let bucket = try bucketWithSamples("away")
        let path = try s3Pipeline(dir, bucket: bucket)
        let gone = try CLI.run(["run", path], environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:9", "WINNOW_S3_ATTEMPTS": "2"])
        #expect(gone.status != 0)
        #expect(gone.stderr.contains("s3://\(bucket)/in/") && gone.stderr.contains("list failed after 2 attempts") && gone.stderr.contains("connection error"),
                "\(gone.stderr)")
        let back = try CLI.run(["run", path])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try bucketRun(bucket: bucket, workdir: "\(dir)/run") == expected)
    }

    @Test func wrongKeysAndMissingBucketsFailBeforeAnyTaskWithoutTheSecret() throws {
        let dir = try CLI.temporaryDirectory("s3-denied")
        let bucket = try bucketWithSamples("denied")
        let path = try s3Pipeline(dir, bucket: bucket)
        let secret = "not-the-secret-\(UInt32.random(in: 0...UInt32.max))"
        let wrong = try CLI.run(["run", path], environment: ["AWS_SECRET_ACCESS_KEY": secret])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("credentials were refused"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains(secret) && !wrong.stdout.contains(secret))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/run/filter/logs"), "a task ran")

        let missing = try CLI.writePipeline(pipeline(workdir: "\(dir)/run2", input: "\(CLI.repoRoot)/Samples/web/*.jsonl.zst",
                                                     output: "s3://no-such-bucket-\(UInt32.random(in: 0...UInt32.max))/x"), in: "\(dir)")
        let result = try CLI.run(["run", missing])
        #expect(result.status != 0)
        #expect(result.stderr.contains("does not exist"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/run2/filter/logs"), "a task ran")
    }
}

/// Scripts/s3/fault-proxy.py in front of the local store, on a port of its own.
final class FaultProxy {
    let server: LoopbackServer
    let endpoint: String

    init(arguments: [String]) throws {
        server = try LoopbackServer(["python3", "\(CLI.repoRoot)/Scripts/s3/fault-proxy.py", "--upstream", ObjectStorageCLITests.endpoint] + arguments)
        let port = server.firstLine.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Int(port) != nil else { throw WinnowError.invalid("the fault proxy did not start: \(port)") }
        endpoint = "http://127.0.0.1:\(port)"
    }

    func stop() { server.stop() }
}

/// `https://`/`http://` inputs, from a plain web server on loopback (Python's, which ignores
/// range requests and sends whole files: the reader takes what it asked for from them).
struct WebInputCLITests {
    @Test func webAddressesAreReadLikeFiles() throws {
        // It first closes the descriptors it inherits (other children's pipes), as the proxy does.
        let server = try LoopbackServer(["python3", "-u", "-c", "import os, runpy, sys; os.closerange(3, os.sysconf('SC_OPEN_MAX')); "
            + "sys.argv = ['http.server', '--bind', '127.0.0.1', '--directory', sys.argv[1], '0']; runpy.run_module('http.server', run_name='__main__')",
            CLI.repoRoot])
        defer { server.stop() }
        // "Serving HTTP on 127.0.0.1 port N (http://127.0.0.1:N/) ..."
        let words = server.firstLine.split(separator: " ")
        let port = try #require(words.firstIndex(of: "port").map { words[$0 + 1] })
        let base = "http://127.0.0.1:\(port)"

        for shard in ["Samples/web/part-00001.jsonl.zst", "Samples/parquet/000_00000.parquet"] {
            let web = try CLI.run(["inspect", "\(base)/\(shard)"])
            let local = try CLI.run(["inspect", "\(CLI.repoRoot)/\(shard)"])
            #expect(web.status == 0, "\(web.stderr)")
            #expect(web.stdout.replacingOccurrences(of: base, with: CLI.repoRoot) == local.stdout)
        }
        let missing = try CLI.run(["inspect", "\(base)/no-such-shard.jsonl.zst"])
        #expect(missing.status != 0)

        let dir = try CLI.temporaryDirectory("web-input")
        for (name, input) in [("web", "\(base)/Samples/web/part-00002.jsonl.zst"), ("local", "\(CLI.repoRoot)/Samples/web/part-00002.jsonl.zst")] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(name)-file", withIntermediateDirectories: true)
            let path = try CLI.writePipeline("""
                name: web
                workdir: \(dir)/\(name)
                input: [\(input)]
                steps:
                  - id: filter
                    stage: filter
                    from: input
                    rules:
                      - rule: length
                        unit: words
                        min: 50
                """, in: "\(dir)/\(name)-file")
            let result = try CLI.run(["run", path])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try CLI.tree("\(dir)/web/filter/output") == CLI.tree("\(dir)/local/filter/output"))
    }
}

/// A server on loopback for a test (the fault proxy, a web server), started with posix_spawn
/// rather than Foundation's Process, whose pipes to concurrently started children it would
/// otherwise inherit; its standard output goes to a file, whose first line (a port) is read.
final class LoopbackServer {
    let pid: pid_t
    let firstLine: String

    init(_ arguments: [String]) throws {
        let output = NSTemporaryDirectory() + "winnow-server-\(UUID().uuidString).out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        guard status == 0 else { throw WinnowError.invalid("cannot start \(arguments)") }
        self.pid = pid
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: output, encoding: .utf8), let end = text.firstIndex(of: "\n") {
                firstLine = String(text[..<end])
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(pid, SIGKILL)
        waitpid(pid, nil, 0)
        throw WinnowError.invalid("\(arguments) wrote no line within 20 s")
    }

    func stop() {
        kill(pid, SIGKILL)
        waitpid(pid, nil, 0)
    }
}
