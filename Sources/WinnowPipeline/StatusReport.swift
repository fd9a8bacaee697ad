import WinnowCore

/// What `winnow status` shows: per step, the tasks' states, the documents' fate, rejection
/// reasons, throughput and wall time, from the ledger; and for a run on Slurm, the state of
/// its jobs from the queue.
public struct StatusReport: Sendable {
    public struct StepStatus: Sendable {
        public var step: String
        public var stage: String
        public var world: Int
        public var done = 0, failed = 0, running = 0, pending = 0
        /// Tasks the ledger says are running whose process has gone (killed, or the machine
        /// went down, or its last ledger write failed): they run again on the next `winnow run`.
        public var interrupted = 0
        public var totals = TaskStats()
        public var wallSeconds: Double?
        public var finished: Bool
        public var failures: [(rank: Int, attempts: Int, error: String, log: String)] = []
        /// Slurm job arrays submitted for it, oldest first: id, tasks, and their states in the
        /// queue ("2 running, 2 pending"; "ended" once it has left; nil without squeue).
        public var jobs: [(id: String, tasks: Int, state: String?)] = []
    }

    public var workdir: String
    public var steps: [StepStatus]

    public init(workdir: String) throws {
        guard fileExists("\(workdir)/ledger.sqlite") else {
            throw WinnowError.invalid("\(workdir): no ledger.sqlite here; is it a run's workdir?")
        }
        self.workdir = workdir
        let ledger = try Ledger(workdir: workdir)
        let queue = try ledger.jobs().isEmpty ? nil : SlurmClient.jobStates()
        steps = try ledger.steps().sorted { ($0.started ?? 0) < ($1.started ?? 0) }.map { record in
            var status = StepStatus(step: record.step, stage: record.stage, world: record.world,
                                    finished: record.finished != nil)
            let tasks = try Self.withUnrecordedResults(try ledger.tasks(step: record.step).filter { $0.world == record.world },
                                                       of: record, ledger: ledger, workdir: workdir)
            // From the first task's start to the last one's end: a step queued on Slurm with
            // the whole pipeline is planned long before its tasks run.
            var firstStart = Double.infinity
            var lastFinish = 0.0
            for task in tasks {
                firstStart = min(firstStart, task.started ?? .infinity)
                switch task.status {
                case .done:
                    status.done += 1
                    if let stats = task.stats { status.totals.add(stats) }
                case .failed:
                    status.failed += 1
                    status.failures.append((task.rank, task.attempts, task.error ?? "unknown error", task.log ?? ""))
                case .running:
                    if let pid = try ledger.latestAttemptProcess(step: record.step, rank: task.rank), !Self.isAlive(pid) {
                        status.interrupted += 1
                    } else {
                        status.running += 1
                    }
                }
                lastFinish = max(lastFinish, task.finished ?? 0)
            }
            status.pending = record.world - tasks.count
            status.jobs = try ledger.jobs(step: record.step).map { job in (job.job, job.ranks.count, queue.map { $0[job.job] ?? "ended" }) }
            if firstStart.isFinite {
                status.wallSeconds = max(0, (status.running > 0 ? wallClockSeconds() : lastFinish) - firstStart)
            }
            return status
        }
    }

    /// The tasks of a step, with those of Slurm jobs whose result files the submitter has not
    /// read yet (a detached run's follow-up reads them once the jobs have ended) as the files
    /// say: so status shows how far the jobs are, without writing the ledger.
    static func withUnrecordedResults(_ tasks: [Ledger.TaskRecord], of step: Ledger.StepRecord, ledger: Ledger,
                                      workdir: String) throws -> [Ledger.TaskRecord] {
        let jobs = Set(try ledger.jobs(step: step.step).map(\.job))
        guard !jobs.isEmpty else { return tasks }
        let phase = StepPhase(ledgerID: step.step)
        var byRank = Dictionary(uniqueKeysWithValues: tasks.map { ($0.rank, $0) })
        for rank in 0..<step.world where byRank[rank]?.status != .done {
            guard let result = TaskResult.read(Workdir(workdir).result(phase, rank: rank)), jobs.contains(result.job),
                  result.world == step.world, try ledger.latestAttemptJob(step: step.step, rank: rank) != result.job else { continue }
            byRank[rank] = Ledger.TaskRecord(
                step: step.step, rank: rank, world: result.world, status: result.status, attempts: (byRank[rank]?.attempts ?? 0) + 1,
                exitCode: result.exitCode, started: result.started, finished: result.status == .running ? nil : result.finished,
                stats: result.stats, error: result.error, log: Workdir(workdir).log(phase, rank: rank))
        }
        return byRank.values.sorted { $0.rank < $1.rank }
    }

    /// Whether a process of this machine still runs (signal 0 checks without sending; EPERM
    /// means it exists under another user). The ledger records the pid of local tasks only.
    private static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    public var text: String {
        var out = "workdir \(workdir)\n"
        if steps.isEmpty { out += "  no step has started\n" }
        for s in steps {
            let t = s.totals
            let state = s.finished ? "finished" : (s.failed > 0 ? "FAILED" : "unfinished")
            out += "step \(s.step) (\(s.stage)): \(state); tasks \(s.done) done, \(s.failed) failed, "
                + "\(s.running) running, \(s.interrupted > 0 ? "\(s.interrupted) interrupted, " : "")\(s.pending) pending of \(s.world)\n"
            out += Self.lines(t, wall: s.wallSeconds)
            if !s.jobs.isEmpty {
                out += "  slurm jobs: " + s.jobs.map { "\($0.id) (\($0.tasks) task\($0.tasks == 1 ? "" : "s")\($0.state.map { ": \($0)" } ?? ""))" }
                    .joined(separator: ", ") + "\n"
            }
            for failure in s.failures {
                out += "  task \(failure.rank) failed after \(failure.attempts) attempt(s): \(failure.error)\n    log: \(failure.log)\n"
            }
        }
        return out
    }

    /// A step's figures, each meaning the same in every step: documents and characters
    /// through the read loop, what the step made besides documents (all a phase that reads no
    /// documents has to show), rejection and skip reasons, the slowest rules, throughput.
    /// Bytes in decimal units, as the MB/s figures are.
    static func byteSize(_ bytes: Int64) -> String {
        let value = Double(bytes)
        if value < 1e3 { return "\(bytes) B" }
        if value < 1e6 { return "\(String(format1: value / 1e3)) kB" }
        if value < 1e9 { return "\(String(format1: value / 1e6)) MB" }
        return "\(String(format1: value / 1e9)) GB"
    }

    static func lines(_ t: TaskStats, wall: Double?) -> String {
        var out = ""
        if t.docsIn > 0 || t.made.isEmpty {
            out += "  docs: \(t.docsIn) in, \(t.docsKept) kept, \(t.docsRejected) rejected"
                + (t.docsSkipped > 0 ? ", \(t.docsSkipped) skipped" : "")
                + (t.invalidLines > 0 ? " (\(t.invalidLines) invalid lines)" : "")
                + (t.blankLines > 0 ? ", \(t.blankLines) blank lines skipped" : "") + "\n"
        }
        if t.charsIn > 0 {
            out += "  chars: \(t.charsIn) in, \(t.charsKept) kept (\(percent(t.charsKept, t.charsIn)) kept)\n"
        }
        if t.bytesIn > 0 || t.bytesOut > 0 {
            out += "  bytes: \(byteSize(t.bytesIn)) in, \(byteSize(t.bytesOut)) out\n"
        }
        if !t.made.isEmpty {
            out += "  made: " + t.made.sorted { $0.key < $1.key }.map { key, count in
                "\(count) \(count == 1 && key.hasSuffix("s") ? String(key.dropLast()) : key)"
            }.joined(separator: ", ") + "\n"
        }
        for (reason, count) in byCount(t.rejectedBy) {
            out += "    rejected by \(reason): \(count) docs, \(t.rejectedChars[reason] ?? 0) chars"
            if let groups = t.rejectedByGroup[reason] {
                let top = byCount(groups).prefix(6)
                out += " (" + top.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + (groups.count > 6 ? ", …" : "") + ")"
            }
            out += "\n"
        }
        for (reason, count) in byCount(t.skippedBy) { out += "    skipped by \(reason): \(count) docs\n" }
        if !t.ruleSeconds.isEmpty {
            let total = t.ruleSeconds.values.reduce(0, +)
            let slowest = t.ruleSeconds.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(5)
            out += "  time by rule (slowest first): " + slowest.map { rule, seconds in
                "\(rule) \(String(format1: seconds)) s (\(total > 0 ? Int((100 * seconds / total).rounded()) : 0)%)"
            }.joined(separator: ", ") + "\n"
        }
        var speed: [String] = []
        if t.seconds > 0 {
            if t.docsIn > 0 { speed.append("\(Int(Double(t.docsIn) / t.seconds)) docs/s") }
            if t.bytesIn > 0 { speed.append("\(String(format1: Double(t.bytesIn) / 1e6 / t.seconds)) MB/s") }
        }
        var parts: [String] = []
        if !speed.isEmpty { parts.append("throughput per task: " + speed.joined(separator: ", ")) }
        if let wall { parts.append("wall \(String(format1: wall)) s") }
        if t.peakMemory > 0 { parts.append("peak memory per task \(ByteSize.describe(Int(t.peakMemory)))") }
        if !parts.isEmpty { out += "  " + parts.joined(separator: "; ") + "\n" }
        return out
    }

    private static func byCount<V: Comparable>(_ counts: [String: V]) -> [(key: String, value: V)] {
        counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
    }

    public var json: JSONValue {
        .object(JSONObject([
            .init(key: "workdir", value: .string(workdir)),
            .init(key: "steps", value: .array(steps.map { s in
                var o = JSONObject()
                o["step"] = .string(s.step)
                o["stage"] = .string(s.stage)
                o["finished"] = .bool(s.finished)
                o["tasks"] = .object(JSONObject([
                    .init(key: "total", value: JSONValue(s.world)), .init(key: "done", value: JSONValue(s.done)),
                    .init(key: "failed", value: JSONValue(s.failed)), .init(key: "running", value: JSONValue(s.running)),
                    .init(key: "interrupted", value: JSONValue(s.interrupted)),
                    .init(key: "pending", value: JSONValue(s.pending)),
                ]))
                o["counters"] = s.totals.json
                o["wall_seconds"] = s.wallSeconds.map { JSONValue(($0 * 1000).rounded() / 1000) } ?? .null
                o["slurm_jobs"] = .array(s.jobs.map { .object(JSONObject([.init(key: "job", value: .string($0.id)),
                                                                             .init(key: "tasks", value: JSONValue($0.tasks)),
                                                                             .init(key: "state", value: $0.state.map { .string($0) } ?? .null)])) })
                o["failures"] = .array(s.failures.map { f in
                    .object(JSONObject([.init(key: "rank", value: JSONValue(f.rank)), .init(key: "attempts", value: JSONValue(f.attempts)),
                                        .init(key: "error", value: .string(f.error)),
                                        .init(key: "log", value: .string(f.log))]))
                })
                return .object(o)
            })),
        ]))
    }
}

func percent(_ part: Int64, _ whole: Int64) -> String {
    whole == 0 ? "0%" : "\(String(format1: 100 * Double(part) / Double(whole)))%"
}
