import WinnowCore

/// The Slurm commands the Slurm executor uses — sbatch, squeue, scontrol — with errors that say
/// what to do.
struct SlurmClient {
    /// One line of squeue: an array task (`123_4`), or pending ones still grouped (`123_[5-7]`).
    struct QueueEntry {
        var job: String
        /// Array indices.
        var ranks: [Int]
        var name: String
        var state: String
    }

    /// The cluster's MaxArraySize: array indices must be below it.
    let maxArraySize: Int

    init() throws {
        guard ChildProcess.isInstalled("sbatch"), ChildProcess.isInstalled("squeue") else {
            throw WinnowError.invalid("executor: slurm needs Slurm's client commands (sbatch, squeue) on PATH; install slurm-client or use executor: local")
        }
        maxArraySize = Self.configuredMaxArraySize()
    }

    /// Submits a job array of `ranks` (nil: one job, not an array), to start once every job of
    /// `after` has succeeded (or with `afterEnding`, ended however); returns its job id.
    func submit(script: String, ranks: [Int]?, name: String, output: String, after dependencies: [String], afterEnding: Bool = false,
                scriptArguments: [String] = [], arguments: [String], workingDirectory: String) throws -> String {
        var command = ["sbatch", "--parsable", "--job-name=\(name)", "--output=\(output)", "--open-mode=append",
                       "--chdir=\(workingDirectory)", "--kill-on-invalid-dep=yes"]
        if let ranks { command.append("--array=\(ranks.map(String.init).joined(separator: ","))") }
        if !dependencies.isEmpty { command.append("--dependency=\(afterEnding ? "afterany" : "afterok"):\(dependencies.joined(separator: ":"))") }
        command += arguments + [script] + scriptArguments
        let result = try ChildProcess.run(command)
        let job = result.stdout.split(separator: "\n").last.map { String($0.split(separator: ";")[0]).trimming() } ?? ""
        guard result.succeeded, !job.isEmpty, job.allSatisfy(\.isNumber) else {
            throw WinnowError.invalid("sbatch refused the job \(name): \(result.stderr.trimming().isEmpty ? "exit code \(result.status)" : result.stderr.trimming())")
        }
        return job
    }

    /// This user's jobs whose names start with `prefix`. Retries for a while when the
    /// controller does not answer, then says so.
    func queue(namesStartingWith prefix: String) throws -> [QueueEntry] {
        var last = ""
        for attempt in 0..<10 {
            switch try Self.lookAtQueue() {
            case let .success(entries): return entries.filter { $0.name.hasPrefix(prefix) }
            case let .failure(error): last = error.message
            }
            if attempt < 9 { sleep(3) }
        }
        throw WinnowError.invalid("the Slurm controller does not answer (squeue: \(last)); submitted jobs may still run — run winnow run again when it answers")
    }

    /// The states of this user's jobs in the queue, by job id ("2 running, 1 pending"), for
    /// `winnow status`: one look, nil when squeue is missing or the controller does not answer.
    static func jobStates() -> [String: String]? {
        guard ChildProcess.isInstalled("squeue"), case let .success(entries)? = try? lookAtQueue() else { return nil }
        return Dictionary(grouping: entries, by: \.job).mapValues { states(of: $0) }
    }

    /// squeue's error output, when it has no answer.
    struct QueueUnavailable: Error {
        var message: String
    }

    /// This user's jobs, as squeue lists them once.
    private static func lookAtQueue() throws -> Result<[QueueEntry], QueueUnavailable> {
        let result = try ChildProcess.run(["squeue", "-h", "-u", currentUser, "-o", "%i|%j|%T"])
        guard result.succeeded else { return .failure(QueueUnavailable(message: result.stderr.trimming())) }
        return .success(result.stdout.split(separator: "\n").compactMap { entry(String($0)) })
    }

    /// "3 pending, 2 running": how many array tasks of `entries` are in each state.
    static func states(of entries: [QueueEntry]) -> String {
        Dictionary(grouping: entries, by: \.state).map { "\($0.value.reduce(0) { $0 + max(1, $1.ranks.count) }) \($0.key.lowercased())" }
            .sorted().joined(separator: ", ")
    }

    /// MaxArraySize from scontrol, or Slurm's default, 1001, when it does not say.
    private static func configuredMaxArraySize() -> Int {
        guard let result = try? ChildProcess.run(["scontrol", "show", "config"]), result.succeeded else { return 1001 }
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("MaxArraySize") {
            if let value = line.split(separator: "=").last.flatMap({ Int(String($0).trimming()) }), value >= 1 { return value }
        }
        return 1001
    }

    private static var currentUser: String {
        if let name = getenv("USER") { return String(cString: name) }
        return getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "root"
    }

    /// Parses `123_4|name|RUNNING` or `123_[5-7,9]|name|PENDING`.
    static func entry(_ line: String) -> QueueEntry? {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 3 else { return nil }
        let id = fields[0]
        guard let underscore = id.firstIndex(of: "_") else {
            return QueueEntry(job: id, ranks: [], name: fields[1], state: fields[2])
        }
        let job = String(id[..<underscore])
        var spec = String(id[id.index(after: underscore)...])
        if spec.hasPrefix("[") { spec = String(spec.dropFirst().prefix { $0 != "]" && $0 != "%" }) }
        var ranks: [Int] = []
        for part in spec.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            if bounds.count == 2 { ranks += Array(bounds[0]...bounds[1]) } else if let one = bounds.first { ranks.append(one) }
        }
        return QueueEntry(job: job, ranks: ranks, name: fields[1], state: fields[2])
    }
}
