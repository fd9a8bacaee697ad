import Foundation
import Testing
import WinnowPipeline

/// What a refused or broken run leaves and says (issue 22), through the real binary.
@Suite struct RefusedRunTests {
    /// An input glob that matches nothing is refused with its line, and the workdir is not created.
    @Test func inputMatchingNothingLeavesNoWorkdir() throws {
        let dir = try CLI.temporaryDirectory("refused")
        let pipeline = try CLI.writePipeline("""
            name: refused
            workdir: \(dir)/work
            input: \(dir)/nothing/*.jsonl.zst
            steps:
              - id: clean
                stage: filter
                from: input
                rules:
                  - rule: length
                    min: 1
            """, in: dir)
        let result = try CLI.run(["run", pipeline])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(pipeline):3: input '\(dir)/nothing/*.jsonl.zst' matches no shard"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/work"))
    }

    /// `--k -1` (all labels), as documented, not refused by the argument parser.
    @Test func predictTakesMinusOneForK() throws {
        let model = CLI.repoRoot + "/Tests/WinnowClassifierTests/Fixtures/softmax.bin"
        let result = try CLI.run(["classifier", "predict", "--model", model, "--k", "-1"], stdin: Data("Debian\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: " ").count > 2)
    }

    /// The damaged model: an error naming file, field and offset, not a trap.
    @Test func predictOnDamagedModelIsAnError() throws {
        let dir = try CLI.temporaryDirectory("damaged")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: CLI.repoRoot + "/Pipelines/preselect/preselect.bin"))
        withUnsafeBytes(of: (Int64(1) << 62).littleEndian) { for k in 0..<8 { bytes[507525 + k] = $0[k] } }
        try bytes.write(to: URL(fileURLWithPath: "\(dir)/damaged.bin"))
        // No input: the model is refused before any is read (and writing to it would then fail).
        let result = try CLI.run(["classifier", "predict", "--model", "\(dir)/damaged.bin"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(dir)/damaged.bin: input matrix of 4611686018427387904 rows"), "\(result.stderr)")
    }

    /// A task that dies by a signal: its log and the run's error name the file it was reading.
    @Test func signalDeathNamesTheFile() throws {
        let dir = try CLI.temporaryDirectory("signal")
        // Enough lines that the task is still reading when it is killed.
        let line = "{\"id\":\"x\",\"text\":\"" + String(repeating: "word ", count: 200) + "\"}\n"
        try String(repeating: line, count: 60_000).write(toFile: "\(dir)/big.jsonl", atomically: true, encoding: .utf8)
        let pipeline = try CLI.writePipeline("""
            name: signal
            workdir: \(dir)/work
            input: \(dir)/big.jsonl
            retries: 0
            steps:
              - id: clean
                stage: filter
                from: input
                rules:
                  - rule: gopher_quality
            """, in: dir)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: CLI.binary)
        run.arguments = ["run", pipeline]
        let err = Pipe()
        run.standardError = err
        run.standardOutput = FileHandle.nullDevice
        try run.run()
        // Wait until the task has recorded its attempt (with its pid) and started reading, then
        // kill it with a signal a trap would send.
        let log = "\(dir)/work/clean/logs/0.log"
        var pid: Int32?
        for _ in 0..<1200 where pid == nil {
            usleep(50_000)
            // The progress file is written once documents are being read.
            guard FileManager.default.fileExists(atPath: "\(dir)/work/clean/progress/0.json") else { continue }
            pid = try Ledger(workdir: "\(dir)/work").latestAttemptProcess(step: "clean", rank: 0)
        }
        let task = try #require(pid)
        kill(task, SIGBUS)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        #expect(run.terminationStatus != 0)
        #expect(stderr.contains("killed by signal 7 while reading \(dir)/big.jsonl"), "\(stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("winnow: task killed by SIGBUS while reading \(dir)/big.jsonl"))
    }
}
