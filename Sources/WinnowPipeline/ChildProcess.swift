import WinnowCore

/// Starts child processes: task processes with their output appended to a log file, and the
/// scheduler's commands (sbatch, squeue, scontrol), whose output the executor reads.
enum ChildProcess {
    /// This program's own executable, so tasks run the same binary as the runner.
    static var selfExecutable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }

    /// Starts `arguments` (the program found on PATH if it has no slash) with standard output
    /// and error appended to files (the same file for a log). `channel`: a descriptor of ours
    /// the child gets under another number (a worker's socket).
    static func spawn(arguments: [String], logPath: String, errorPath: String? = nil, environment extra: [String: String],
                      channel: (ours: Int32, theirs: Int32)? = nil) throws -> pid_t {
        try makeDirectories(parentOf: logPath)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errorPath {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let channel { posix_spawn_file_actions_adddup2(&actions, channel.ours, channel.theirs) }

        var environment: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if !extra.keys.contains(where: { text.hasPrefix("\($0)=") }) { environment.append(text) }
            index += 1
        }
        environment += extra.map { "\($0.key)=\($0.value)" }

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = arguments[0].contains("/") ? posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
                                                : posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        if status != 0 { throw WinnowError.io(path: arguments[0], operation: "spawn", errno: status) }
        return pid
    }

    /// What a command printed and how it ended.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var succeeded: Bool { status == 0 }
    }

    /// Runs a command to its end; its output goes through temporary files, so neither stream
    /// can block the other.
    static func run(_ arguments: [String]) throws -> Output {
        let base = "/tmp/winnow-command-\(getpid())-\(UInt64(monotonicSeconds() * 1e9))"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        let pid = try spawn(arguments: arguments, logPath: base + ".out", errorPath: base + ".err", environment: [:])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let read = { (path: String) in String(decoding: (try? readFile(path)) ?? [], as: UTF8.self) }
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Output(status: code, stdout: read(base + ".out"), stderr: read(base + ".err"))
    }

    /// Whether a program is on PATH.
    static func isInstalled(_ program: String) -> Bool {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }
}
