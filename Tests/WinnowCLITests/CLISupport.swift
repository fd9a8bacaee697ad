import Foundation
import Testing

/// Runs the real `winnow` binary (built beside the test bundle) in the repository root.
enum CLI {
    static let repoRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static var binary: String {
        let tests = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var dir = tests.deletingLastPathComponent()
        // The test bundle may be a directory (…/X.xctest/…) on some layouts.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("winnow").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("winnow").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = URL(fileURLWithPath: repoRoot)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let stdin {
            // Feed standard input from another thread, so a child writing a lot cannot deadlock us.
            let handle = input.fileHandleForWriting
            DispatchQueue.global().async {
                handle.write(stdin)
                try? handle.close()
            }
        }
        // Drain stderr on another thread while reading stdout, so a chatty child cannot block
        // on a full pipe.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stderrBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Starts `winnow ARGUMENTS` (output to /dev/null, `environment` over this process's) as the
    /// leader of a new process group, so a test can kill it and every task it started at once.
    static func spawnGroupLeader(_ arguments: [String], environment: [String: String] = [:]) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, binary, &actions, &attributes, argv, envp)
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
        #expect(status == 0)
        return pid
    }

    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "winnow-cli-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func writePipeline(_ yaml: String, in dir: String) throws -> String {
        let path = "\(dir)/pipeline.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `count` small JSONL shards in `dir` (`shard-NNN.jsonl`, five documents each, of 3 to 42
    /// words), for runs with many more tasks than workers.
    static func writeSmallShards(_ count: Int, in dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let words = ["river", "stone", "market", "engine", "garden", "letter", "window", "signal", "harbor", "lantern"]
        for shard in 0..<count {
            var lines = ""
            for doc in 0..<5 {
                let length = 3 + (shard * 7 + doc * 11) % 40
                let text = (0..<length).map { words[($0 * 3 + shard + doc) % words.count] }.joined(separator: " ")
                lines += "{\"id\": \"s\(shard)-d\(doc)\", \"text\": \"\(text).\"}\n"
            }
            let name = String(format: "shard-%03d.jsonl", shard)
            try lines.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8)
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    /// Every file under `dir` (relative path → bytes), for byte-for-byte comparisons of runs.
    static func tree(_ dir: String, excluding: (String) -> Bool = { _ in false }) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: dir) else { return files }
        for case let relative as String in walker where !excluding(relative) {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: "\(dir)/\(relative)", isDirectory: &isDir), !isDir.boolValue {
                files[relative] = FileManager.default.contents(atPath: "\(dir)/\(relative)")
            }
        }
        return files
    }
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}
