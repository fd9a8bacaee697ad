import WinnowCore

/// The run's source of truth (`WORKDIR/ledger.sqlite`): which steps were planned with how many
/// tasks, which tasks finished, every attempt with its exit code and timing, and each finished
/// task's counters. Task processes write their own rows, so the same ledger works whether a
/// task was started by the local executor or by a cluster scheduler.
public final class Ledger {
    private let db: SQLiteDatabase

    public init(workdir: String) throws {
        db = try SQLiteDatabase(path: "\(workdir)/ledger.sqlite")
        try db.execute("""
            CREATE TABLE IF NOT EXISTS steps(
                step TEXT PRIMARY KEY, stage TEXT NOT NULL, world INTEGER NOT NULL, fingerprint TEXT NOT NULL,
                started REAL, finished REAL);
            CREATE TABLE IF NOT EXISTS tasks(
                step TEXT NOT NULL, rank INTEGER NOT NULL, world INTEGER NOT NULL, status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, exit_code INTEGER, started REAL, finished REAL,
                stats TEXT, error TEXT, log TEXT, PRIMARY KEY(step, rank));
            CREATE TABLE IF NOT EXISTS attempts(
                step TEXT NOT NULL, rank INTEGER NOT NULL, attempt INTEGER NOT NULL, pid INTEGER,
                started REAL, finished REAL, exit_code INTEGER, error TEXT, PRIMARY KEY(step, rank, attempt));
            CREATE TABLE IF NOT EXISTS jobs(
                job TEXT PRIMARY KEY, step TEXT NOT NULL, ranks TEXT NOT NULL, submitted REAL NOT NULL);
            """)
        // Ledgers from before cluster runs lack the attempts' job column.
        if !(try db.query("PRAGMA table_info(attempts)").contains { $0.count > 1 && $0[1].text == "job" }) {
            try db.execute("ALTER TABLE attempts ADD COLUMN job TEXT")
        }
    }

    public struct StepRecord: Sendable {
        public var step: String
        public var stage: String
        public var world: Int
        public var fingerprint: String
        public var started: Double?
        public var finished: Double?
    }

    public enum TaskStatus: String, Sendable { case running, done, failed }

    public struct TaskRecord: Sendable {
        public var step: String
        public var rank: Int
        public var world: Int
        public var status: TaskStatus
        public var attempts: Int
        public var exitCode: Int?
        public var started: Double?
        public var finished: Double?
        public var stats: TaskStats?
        public var error: String?
        public var log: String?
    }

    // MARK: steps

    public func step(_ id: String) throws -> StepRecord? {
        try db.query("SELECT step, stage, world, fingerprint, started, finished FROM steps WHERE step = ?", [.text(id)])
            .first.map(Ledger.stepRecord)
    }

    public func steps() throws -> [StepRecord] {
        try db.query("SELECT step, stage, world, fingerprint, started, finished FROM steps").map(Ledger.stepRecord)
    }

    private static func stepRecord(_ row: [SQLiteDatabase.Value]) -> StepRecord {
        StepRecord(step: row[0].text ?? "", stage: row[1].text ?? "", world: row[2].int ?? 0,
                   fingerprint: row[3].text ?? "", started: row[4].double, finished: row[5].double)
    }

    /// Records that a step is planned with `world` tasks (keeps its first start time).
    public func planStep(_ id: String, stage: String, world: Int, fingerprint: String) throws {
        try db.query("""
            INSERT INTO steps(step, stage, world, fingerprint, started) VALUES(?, ?, ?, ?, ?)
            ON CONFLICT(step) DO UPDATE SET stage = excluded.stage, world = excluded.world,
                fingerprint = excluded.fingerprint, started = COALESCE(steps.started, excluded.started)
            """, [.text(id), .text(stage), .int(Int64(world)), .text(fingerprint), .double(wallClockSeconds())])
    }

    public func finishStep(_ id: String) throws {
        try db.query("UPDATE steps SET finished = ? WHERE step = ?", [.double(wallClockSeconds()), .text(id)])
    }

    /// Forgets a step and its tasks, so it runs again from scratch.
    public func forgetStep(_ id: String) throws {
        for table in ["steps", "tasks", "attempts", "jobs"] {
            try db.query("DELETE FROM \(table) WHERE step = ?", [.text(id)])
        }
    }

    // MARK: tasks

    public func tasks(step: String) throws -> [TaskRecord] {
        try db.query("""
            SELECT step, rank, world, status, attempts, exit_code, started, finished, stats, error, log
            FROM tasks WHERE step = ? ORDER BY rank
            """, [.text(step)]).map(Ledger.taskRecord)
    }

    /// One task's record (reading all of a step's would make a step of N tasks cost N² reads).
    public func task(step: String, rank: Int) throws -> TaskRecord? {
        try db.query("""
            SELECT step, rank, world, status, attempts, exit_code, started, finished, stats, error, log
            FROM tasks WHERE step = ? AND rank = ?
            """, [.text(step), .int(Int64(rank))]).first.map(Ledger.taskRecord)
    }

    private static func taskRecord(_ row: [SQLiteDatabase.Value]) -> TaskRecord {
        TaskRecord(step: row[0].text ?? "", rank: row[1].int ?? 0, world: row[2].int ?? 0,
                   status: TaskStatus(rawValue: row[3].text ?? "") ?? .failed, attempts: row[4].int ?? 0,
                   exitCode: row[5].int, started: row[6].double, finished: row[7].double,
                   stats: row[8].text.flatMap { try? JSONValue.parse($0) }.map(TaskStats.init(json:)),
                   error: row[9].text, log: row[10].text)
    }

    /// Records the start of an attempt and returns its number (1 for the first). `job`: the
    /// cluster job it runs in (nil for a local process, whose pid is recorded). `time`: when
    /// it started, if not now (a cluster task's result file says, read later).
    public func startAttempt(step: String, rank: Int, world: Int, log: String, job: String? = nil, at time: Double? = nil) throws -> Int {
        try db.execute("BEGIN IMMEDIATE")
        do {
            let previous = try db.query("SELECT attempts FROM tasks WHERE step = ? AND rank = ?", [.text(step), .int(Int64(rank))])
                .first?[0].int ?? 0
            let attempt = previous + 1
            let now = time ?? wallClockSeconds()
            try db.query("""
                INSERT INTO tasks(step, rank, world, status, attempts, started, log) VALUES(?, ?, ?, 'running', ?, ?, ?)
                ON CONFLICT(step, rank) DO UPDATE SET world = excluded.world, status = 'running',
                    attempts = excluded.attempts, started = excluded.started, finished = NULL, exit_code = NULL,
                    error = NULL, log = excluded.log
                """, [.text(step), .int(Int64(rank)), .int(Int64(world)), .int(Int64(attempt)), .double(now), .text(log)])
            try db.query("INSERT OR REPLACE INTO attempts(step, rank, attempt, pid, started, job) VALUES(?, ?, ?, ?, ?, ?)",
                         [.text(step), .int(Int64(rank)), .int(Int64(attempt)), job == nil ? .int(Int64(getpid())) : .null, .double(now),
                          job.map { .text($0) } ?? .null])
            try db.execute("COMMIT")
            return attempt
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Records a finished task; call only once its files are in place. `time`: when it
    /// finished, if not now.
    public func finishTask(step: String, rank: Int, attempt: Int, stats: TaskStats, at time: Double? = nil) throws {
        try finishTasks([(step, rank, attempt, stats)], at: time)
    }

    /// Records finished tasks in one transaction (a worker's batch).
    func finishTasks(_ tasks: [(step: String, rank: Int, attempt: Int, stats: TaskStats)], at time: Double? = nil) throws {
        let now = time ?? wallClockSeconds()
        try db.execute("BEGIN IMMEDIATE")
        do {
            for task in tasks {
                try db.query("UPDATE tasks SET status = 'done', exit_code = 0, finished = ?, stats = ? WHERE step = ? AND rank = ?",
                             [.double(now), .text(JSONWriter.string(task.stats.json)), .text(task.step), .int(Int64(task.rank))])
                try db.query("UPDATE attempts SET finished = ?, exit_code = 0 WHERE step = ? AND rank = ? AND attempt = ?",
                             [.double(now), .text(task.step), .int(Int64(task.rank)), .int(Int64(task.attempt))])
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Marks a done task as not done (its output was found damaged by a later phase), and its
    /// phase as unfinished, so the executor runs it again; its attempts stay on record.
    public func reopenTask(step: String, rank: Int, reason: String) throws {
        try db.query("UPDATE tasks SET status = 'failed', error = ? WHERE step = ? AND rank = ?",
                     [.text(reason), .text(step), .int(Int64(rank))])
        try db.query("UPDATE steps SET finished = NULL WHERE step = ?", [.text(step)])
    }

    // MARK: cluster jobs

    public struct JobRecord: Sendable {
        public var job: String
        public var step: String
        public var ranks: [Int]
        public var submitted: Double
    }

    /// Records a submitted job array and the ranks it runs.
    public func recordJob(_ job: String, step: String, ranks: [Int]) throws {
        try db.query("INSERT OR REPLACE INTO jobs(job, step, ranks, submitted) VALUES(?, ?, ?, ?)",
                     [.text(job), .text(step), .text(ranks.map(String.init).joined(separator: ",")), .double(wallClockSeconds())])
    }

    /// Submitted jobs, oldest first (of one step, or all).
    public func jobs(step: String? = nil) throws -> [JobRecord] {
        let rows = try step.map { try db.query("SELECT job, step, ranks, submitted FROM jobs WHERE step = ? ORDER BY submitted", [.text($0)]) }
            ?? db.query("SELECT job, step, ranks, submitted FROM jobs ORDER BY submitted")
        return rows.map { row in
            JobRecord(job: row[0].text ?? "", step: row[1].text ?? "",
                      ranks: (row[2].text ?? "").split(separator: ",").compactMap { Int($0) }, submitted: row[3].double ?? 0)
        }
    }

    /// The process id of a task's latest attempt, if it ran on this machine (not in a cluster job).
    public func latestAttemptProcess(step: String, rank: Int) throws -> Int32? {
        try db.query("SELECT pid FROM attempts WHERE step = ? AND rank = ? AND job IS NULL ORDER BY attempt DESC LIMIT 1",
                     [.text(step), .int(Int64(rank))]).first?[0].int.map { Int32(truncatingIfNeeded: $0) }
    }

    /// The job of a task's latest attempt, if it ran on a cluster.
    public func latestAttemptJob(step: String, rank: Int) throws -> String? {
        try db.query("SELECT job FROM attempts WHERE step = ? AND rank = ? ORDER BY attempt DESC LIMIT 1",
                     [.text(step), .int(Int64(rank))]).first?[0].text
    }

    /// Records a failed attempt. `attempt` nil means the latest one (used by the runner when a
    /// task process died without saying why).
    public func failTask(step: String, rank: Int, attempt: Int?, exitCode: Int, error: String, at time: Double? = nil) throws {
        let now = time ?? wallClockSeconds()
        try db.query("""
            UPDATE tasks SET status = 'failed', exit_code = ?, finished = ?, error = COALESCE(?, error)
            WHERE step = ? AND rank = ? AND status != 'done'
            """, [.int(Int64(exitCode)), .double(now), error.isEmpty ? .null : .text(error), .text(step), .int(Int64(rank))])
        let number: SQLiteDatabase.Value = attempt.map { .int(Int64($0)) } ?? .null
        try db.query("""
            UPDATE attempts SET finished = COALESCE(finished, ?), exit_code = COALESCE(exit_code, ?),
                error = COALESCE(error, ?)
            WHERE step = ? AND rank = ? AND attempt = COALESCE(?, (SELECT MAX(attempt) FROM attempts WHERE step = ? AND rank = ?))
            """, [.double(now), .int(Int64(exitCode)), error.isEmpty ? .null : .text(error), .text(step), .int(Int64(rank)),
                  number, .text(step), .int(Int64(rank))])
    }
}
