import CLinux
import WinnowCore

/// A process that runs many tasks of one phase in turn (`winnow worker`), for the local
/// executor: starting a process, loading the pipeline, opening the ledger and waiting for the
/// disk once per task cost more than a small shard's work, so a thousand small shards took
/// twenty times as long as eight big ones. Each task keeps what it had as a process of its own:
/// its own log, ledger row and stats file, and its retries. A task that fails ends the worker,
/// as it ended its process, so no state a failed task left behind reaches the next.
///
/// Finished tasks are recorded in batches: their files wait for the disk together
/// (`DeferredSync`), then the ledger says done for all of them in one transaction. A batch is
/// recorded when no next task is waiting, after half a second, or before a failure is
/// reported; a crash of the worker loses only the tasks of its unrecorded batch, which are run
/// again, never what a recorded task wrote.
///
/// The channel is file descriptor 3, a socket. The executor writes a rank per line; the worker
/// answers `ran RANK` when a task's work is done (so the executor can hand it the next one) and
/// `done RANK EXITCODE` once the outcome is recorded. End of input ends the worker.
public enum TaskWorker {
    /// The file descriptor of the executor's socket in the worker.
    public static let channel: Int32 = 3
    /// The most a finished task waits to be recorded, and the most tasks recorded at once.
    static let batchSeconds = 0.5
    static let batchTasks = 256
    /// How long a worker with unrecorded tasks waits for its next task before it records them:
    /// the executor hands the next one over as soon as it reads `ran`, but may be slow to wake
    /// on a busy machine; when no task comes, the queue is empty.
    static let nextTaskWait = 0.02
    /// Resident memory beyond what the worker held before its first task at which it returns
    /// freed memory to the system between tasks.
    static let trimAbove = 64 << 20

    public static func serve(pipeline: Pipeline, stepID: String, phase: Int, world: Int) throws {
        TaskRunner.followParent()
        guard let step = pipeline.step(stepID) else {
            throw WinnowError.invalid("\(pipeline.path): no step '\(stepID)'")
        }
        let stepPhase = StepPhase(step: stepID, phase: phase, phases: step.stage.phaseCount)
        let workdir = Workdir(pipeline.workdir)
        let batch = FinishBatch(ledger: try Ledger(workdir: workdir.root))
        // The step's inputs are fixed while one of its phases runs (its sources have finished).
        let inputs = try StepInputs.shards(for: step, in: pipeline)
        var requests = LineChannel(fd: channel)
        DeferredSync.enable()
        let idleMemory = residentMemory()

        func recordBatch() throws {
            for rank in try batch.record() { try requests.send("done \(rank) 0\n") }
        }

        while true {
            if !batch.pending.isEmpty, try !requests.hasLine(within: nextTaskWait) || monotonicSeconds() - batch.since >= batchSeconds
                || batch.pending.count >= batchTasks {
                try recordBatch()
            }
            guard let line = try requests.readLine() else { break }
            guard let rank = Int(line) else { throw WinnowError.invalid("worker: '\(line)' is not a rank") }
            try redirectOutput(to: workdir.log(stepPhase, rank: rank))
            resetPeakResidentMemory()
            var exitCode: Int32 = 0
            do {
                let recorder = BatchedLedgerRecorder(batch: batch, step: stepPhase.ledgerID, rank: rank, world: world)
                _ = try TaskRunner.run(pipeline: pipeline, stepID: stepID, phase: phase, rank: rank, world: world,
                                       recorder: recorder, inputShards: inputs)
            } catch is DamagedIntermediate {
                exitCode = TaskRunner.damagedIntermediateExitCode
            } catch {
                FileOutput.standardError("winnow: \(error)\n")
                exitCode = 1
            }
            if exitCode != 0 {
                try recordBatch()
                try requests.send("done \(rank) \(exitCode)\n")
                return
            }
            try requests.send("ran \(rank)\n")
            // Give freed memory back when a task left much of it, so the next task's `memory:`
            // budget sees only its own; not after every task, or each would fault in again the
            // pages the last one freed.
            if residentMemory() > idleMemory + trimAbove { malloc_trim(0) }
        }
        try recordBatch()
    }

    /// Sends this process's output and errors to the task's log, appended as a task process's are.
    private static func redirectOutput(to log: String) throws {
        try makeDirectories(parentOf: log)
        let fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw WinnowError.io(path: log, operation: "open", errno: errno) }
        fflush(nil)
        dup2(fd, 1)
        dup2(fd, 2)
        close(fd)
    }
}

/// Lines over a socket, both ways: what the executor and its workers say to each other.
struct LineChannel {
    let fd: Int32
    private var buffered: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// The next whole line, or nil at the end of input.
    mutating func readLine() throws -> String? {
        while true {
            if let line = takeLine() { return line }
            guard try receive() else { return nil }
        }
    }

    /// Reads what has arrived (blocking until something has); false at the end of input.
    mutating func receive() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            if n < 0, errno == ECONNRESET { return false }
            if n < 0 { throw WinnowError.io(path: "worker channel", operation: "read", errno: errno) }
            if n == 0 { return false }
            buffered.append(contentsOf: chunk[0..<n])
            return true
        }
    }

    /// Whether a whole line arrives within `seconds`.
    mutating func hasLine(within seconds: Double) throws -> Bool {
        let deadline = monotonicSeconds() + seconds
        while !buffered.contains(0x0A) {
            var probe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let wait = max(0, Int32((deadline - monotonicSeconds()) * 1000))
            let ready = poll(&probe, 1, wait)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0, try receive() else { return false }
        }
        return true
    }

    /// A whole line already received, without reading more.
    mutating func takeLine() -> String? {
        guard let newline = buffered.firstIndex(of: 0x0A) else { return nil }
        let line = String(decoding: buffered[..<newline], as: UTF8.self)
        buffered.removeSubrange(...newline)
        return line
    }

    /// Sends text; a closed other end is reported as an error, never as SIGPIPE.
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw WinnowError.io(path: "worker channel", operation: "send", errno: errno) }
            offset += n
        }
    }
}
