import WinnowCore

/// What `winnow status` shows: per step, the tasks' states, the documents' fate, rejection
/// reasons, throughput and wall time, from the ledger alone.
public struct StatusReport: Sendable {
    public struct StepStatus: Sendable {
        public var step: String
        public var stage: String
        public var world: Int
        public var done = 0, failed = 0, running = 0, pending = 0
        public var totals = TaskStats()
        public var wallSeconds: Double?
        public var finished: Bool
        public var failures: [(rank: Int, attempts: Int, error: String, log: String)] = []
    }

    public var workdir: String
    public var steps: [StepStatus]

    public init(workdir: String) throws {
        guard fileExists("\(workdir)/ledger.sqlite") else {
            throw WinnowError.invalid("\(workdir): no ledger.sqlite here; is it a run's workdir?")
        }
        self.workdir = workdir
        let ledger = try Ledger(workdir: workdir)
        steps = try ledger.steps().sorted { ($0.started ?? 0) < ($1.started ?? 0) }.map { record in
            var status = StepStatus(step: record.step, stage: record.stage, world: record.world,
                                    finished: record.finished != nil)
            let tasks = try ledger.tasks(step: record.step).filter { $0.world == record.world }
            var lastFinish = record.started ?? 0
            for task in tasks {
                switch task.status {
                case .done:
                    status.done += 1
                    if let stats = task.stats { status.totals.add(stats) }
                case .failed:
                    status.failed += 1
                    status.failures.append((task.rank, task.attempts, task.error ?? "unknown error", task.log ?? ""))
                case .running: status.running += 1
                }
                lastFinish = max(lastFinish, task.finished ?? 0)
            }
            status.pending = record.world - tasks.count
            if let started = record.started {
                status.wallSeconds = (record.finished ?? lastFinish) - started
            }
            return status
        }
    }

    public var text: String {
        var out = "workdir \(workdir)\n"
        if steps.isEmpty { out += "  no step has started\n" }
        for s in steps {
            let t = s.totals
            let state = s.finished ? "finished" : (s.failed > 0 ? "FAILED" : "unfinished")
            out += "step \(s.step) (\(s.stage)): \(state); tasks \(s.done) done, \(s.failed) failed, "
                + "\(s.running) running, \(s.pending) pending of \(s.world)\n"
            out += "  docs: \(t.docsIn) in, \(t.docsKept) kept, \(t.docsRejected) rejected"
                + (t.invalidLines > 0 ? " (\(t.invalidLines) invalid lines)" : "")
                + (t.blankLines > 0 ? ", \(t.blankLines) blank lines skipped" : "") + "\n"
            if t.docsIn > 0 {
                out += "  chars: \(t.charsIn) in, \(t.charsKept) kept (\(percent(t.charsKept, t.charsIn)) kept)\n"
            }
            for (reason, count) in t.rejectedBy.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
                out += "    rejected by \(reason): \(count) docs, \(t.rejectedChars[reason] ?? 0) chars"
                if let groups = t.rejectedByGroup[reason] {
                    let top = groups.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(6)
                    out += " (" + top.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + (groups.count > 6 ? ", …" : "") + ")"
                }
                out += "\n"
            }
            if t.seconds > 0 {
                out += "  throughput per task: \(Int(Double(t.docsIn) / t.seconds)) docs/s, "
                    + "\(String(format1: Double(t.bytesIn) / 1e6 / t.seconds)) MB/s"
            }
            if let wall = s.wallSeconds { out += "; wall \(String(format1: wall)) s" }
            out += "\n"
            for failure in s.failures {
                out += "  task \(failure.rank) failed after \(failure.attempts) attempt(s): \(failure.error)\n    log: \(failure.log)\n"
            }
        }
        return out
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
                    .init(key: "pending", value: JSONValue(s.pending)),
                ]))
                o["counters"] = s.totals.json
                o["wall_seconds"] = s.wallSeconds.map { JSONValue(($0 * 1000).rounded() / 1000) } ?? .null
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
