import WinnowCore

/// Where a task records its attempt and its outcome. On this machine that is the ledger
/// itself; on a cluster, tasks on other machines must not write one SQLite file over a shared
/// filesystem at once, so each leaves a result file that the submitting side records
/// (`TaskResult`). The task runner does the same either way.
public protocol TaskRecorder {
    /// Records that an attempt starts; returns its number.
    func start(log: String) throws -> Int
    func finish(attempt: Int, stats: TaskStats) throws
    func fail(attempt: Int, exitCode: Int, error: String) throws
    /// An earlier phase's task wrote a damaged file: it is no longer done.
    func reopen(producer: String, rank: Int, reason: String) throws
}

/// Records straight into the ledger (the local executor's tasks).
struct LedgerRecorder: TaskRecorder {
    let ledger: Ledger
    let step: String
    let rank: Int
    let world: Int

    func start(log: String) throws -> Int { try ledger.startAttempt(step: step, rank: rank, world: world, log: log) }
    func finish(attempt: Int, stats: TaskStats) throws { try ledger.finishTask(step: step, rank: rank, attempt: attempt, stats: stats) }
    func fail(attempt: Int, exitCode: Int, error: String) throws {
        try ledger.failTask(step: step, rank: rank, attempt: attempt, exitCode: exitCode, error: error)
    }
    func reopen(producer: String, rank: Int, reason: String) throws { try ledger.reopenTask(step: producer, rank: rank, reason: reason) }
}

/// The finished tasks of a worker (`TaskWorker`) that are not yet recorded: their files wait for
/// the disk together (`DeferredSync`), then all are recorded as done — never before their files
/// are on the disk.
final class FinishBatch {
    let ledger: Ledger
    private(set) var pending: [(step: String, rank: Int, attempt: Int, stats: TaskStats)] = []
    /// When the oldest pending task finished.
    private(set) var since = monotonicSeconds()

    init(ledger: Ledger) { self.ledger = ledger }

    func add(step: String, rank: Int, attempt: Int, stats: TaskStats) {
        if pending.isEmpty { since = monotonicSeconds() }
        pending.append((step, rank, attempt, stats))
    }

    /// Waits for the pending tasks' files, records the tasks as done and returns their ranks.
    func record() throws -> [Int] {
        guard !pending.isEmpty else { return [] }
        try DeferredSync.flush()
        try ledger.finishTasks(pending.map { ($0.step, $0.rank, $0.attempt, $0.stats) })
        let ranks = pending.map(\.rank)
        pending.removeAll()
        return ranks
    }
}

/// Records one task of a worker: its start and its failure at once, its finish in the worker's
/// batch.
struct BatchedLedgerRecorder: TaskRecorder {
    let batch: FinishBatch
    let step: String
    let rank: Int
    let world: Int

    func start(log: String) throws -> Int { try batch.ledger.startAttempt(step: step, rank: rank, world: world, log: log) }
    func finish(attempt: Int, stats: TaskStats) throws { batch.add(step: step, rank: rank, attempt: attempt, stats: stats) }
    func fail(attempt: Int, exitCode: Int, error: String) throws {
        try batch.ledger.failTask(step: step, rank: rank, attempt: attempt, exitCode: exitCode, error: error)
    }
    func reopen(producer: String, rank: Int, reason: String) throws {
        try batch.ledger.reopenTask(step: producer, rank: rank, reason: reason)
    }
}

/// What a task on a cluster node leaves for the submitting side: `STEP/results/<stem>.json`,
/// written atomically once the task's other files are in place (or it failed).
public struct TaskResult: Sendable {
    public var step: String
    public var rank: Int
    public var world: Int
    /// The Slurm job the task ran in (`SLURM_ARRAY_JOB_ID`), so the submitter takes only the
    /// result of the job it is waiting for.
    public var job: String
    public var status: Ledger.TaskStatus
    public var exitCode: Int
    public var started: Double
    public var finished: Double
    public var stats: TaskStats?
    public var error: String?
    /// A damaged earlier file's writer (ledger step id and rank), to be redone.
    public var reopen: (step: String, rank: Int, reason: String)?

    var json: JSONValue {
        var o = JSONObject()
        o["step"] = .string(step)
        o["rank"] = JSONValue(rank)
        o["world"] = JSONValue(world)
        o["job"] = .string(job)
        o["status"] = .string(status.rawValue)
        o["exit_code"] = JSONValue(exitCode)
        o["started"] = JSONValue(started)
        o["finished"] = JSONValue(finished)
        if let stats { o["stats"] = stats.json }
        if let error { o["error"] = .string(error) }
        if let reopen {
            o["reopen"] = .object(JSONObject([.init(key: "step", value: .string(reopen.step)), .init(key: "rank", value: JSONValue(reopen.rank)),
                                              .init(key: "reason", value: .string(reopen.reason))]))
        }
        return .object(o)
    }

    init(step: String, rank: Int, world: Int, job: String, status: Ledger.TaskStatus, exitCode: Int, started: Double,
         finished: Double, stats: TaskStats? = nil, error: String? = nil) {
        self.step = step
        self.rank = rank
        self.world = world
        self.job = job
        self.status = status
        self.exitCode = exitCode
        self.started = started
        self.finished = finished
        self.stats = stats
        self.error = error
    }

    public static func read(_ path: String) -> TaskResult? {
        guard let bytes = try? readFile(path), case let .object(o)? = try? bytes.withUnsafeBytes({ try JSONValue.parse($0) }),
              let step = o["step"]?.stringValue, let status = o["status"]?.stringValue.flatMap(Ledger.TaskStatus.init) else { return nil }
        func int(_ key: String) -> Int { Int(o[key]?.doubleValue ?? 0) }
        var result = TaskResult(step: step, rank: int("rank"), world: int("world"), job: o["job"]?.stringValue ?? "", status: status,
                                exitCode: int("exit_code"), started: o["started"]?.doubleValue ?? 0, finished: o["finished"]?.doubleValue ?? 0,
                                stats: o["stats"].map(TaskStats.init(json:)), error: o["error"]?.stringValue)
        if case let .object(r)? = o["reopen"], let producer = r["step"]?.stringValue {
            result.reopen = (producer, Int(r["rank"]?.doubleValue ?? 0), r["reason"]?.stringValue ?? "")
        }
        return result
    }
}

/// Records into a result file (tasks started by the Slurm executor, `winnow task --results`):
/// `running` when the task starts, then `done` or `failed`. The submitter counts attempts.
final class ResultFileRecorder: TaskRecorder {
    let path: String
    let step: String
    let rank: Int
    let world: Int
    let job: String
    private let started = wallClockSeconds()
    private var reopen: (step: String, rank: Int, reason: String)?

    init(path: String, step: String, rank: Int, world: Int) {
        self.path = path
        self.step = step
        self.rank = rank
        self.world = world
        let names = ["SLURM_ARRAY_JOB_ID", "SLURM_JOB_ID"]
        job = names.compactMap { name -> String? in getenv(name).map { String(cString: $0) } }.first ?? ""
    }

    func start(log: String) throws -> Int {
        try write(TaskResult(step: step, rank: rank, world: world, job: job, status: .running, exitCode: 0, started: started, finished: 0))
        return 0
    }

    func finish(attempt: Int, stats: TaskStats) throws {
        try write(TaskResult(step: step, rank: rank, world: world, job: job, status: .done, exitCode: 0,
                             started: started, finished: wallClockSeconds(), stats: stats))
    }

    func fail(attempt: Int, exitCode: Int, error: String) throws {
        var result = TaskResult(step: step, rank: rank, world: world, job: job, status: .failed, exitCode: exitCode,
                                started: started, finished: wallClockSeconds(), error: error)
        result.reopen = reopen
        try write(result)
    }

    func reopen(producer: String, rank: Int, reason: String) throws { reopen = (producer, rank, reason) }

    private func write(_ result: TaskResult) throws {
        try writeFileAtomically(path, Array((JSONWriter.string(result.json) + "\n").utf8))
    }
}
