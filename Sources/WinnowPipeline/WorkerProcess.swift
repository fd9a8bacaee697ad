import WinnowCore

/// The local executor's handle on one `winnow worker` process (`TaskWorker`): the socket it
/// hands ranks over, the ranks handed over and not yet run, and those run but not yet recorded.
final class WorkerProcess {
    let pid: pid_t
    private var channel: LineChannel
    /// Ranks handed over, in order; the first is running.
    private(set) var assigned: [Int] = []
    /// Ranks whose work is done, waiting for the worker to record them.
    private(set) var unrecorded: [Int] = []
    private var ended = false

    /// What the executor learns from a worker.
    enum Event {
        /// The task's outcome is recorded (0: done; otherwise the task failed, the worker ends).
        case recorded(rank: Int, exitCode: Int32)
        /// The worker ended (crashed, was killed, or could not start) with the task not
        /// recorded; `running`: the task was the one running, not one waiting or done.
        case lost(rank: Int, running: Bool, status: Int32)
    }

    /// Starts a worker; its output goes to `logPath` (its first task's log) until it takes a rank.
    init(arguments: [String], logPath: String, environment: [String: String]) throws {
        var ends: [Int32] = [0, 0]
        if socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) != 0 {
            throw WinnowError.io(path: "worker channel", operation: "socketpair", errno: errno)
        }
        defer { close(ends[1]) }
        do {
            pid = try ChildProcess.spawn(arguments: arguments, logPath: logPath, environment: environment,
                                         channel: (ends[1], TaskWorker.channel))
        } catch {
            close(ends[0])
            throw error
        }
        channel = LineChannel(fd: ends[0])
    }

    /// Whether the worker has tasks the executor waits for.
    var hasWork: Bool { !assigned.isEmpty || !unrecorded.isEmpty }
    /// Whether the worker is gone (its tasks were reported lost or failed).
    var isEnded: Bool { ended }

    /// Hands the worker a task. A worker that has died is found by `receive`, not here.
    func assign(_ rank: Int) {
        assigned.append(rank)
        try? channel.send("\(rank)\n")
    }

    /// Reads what the worker said, once `wait` found its socket readable.
    func receive() -> [Event] {
        let open = (try? channel.receive()) ?? false
        var events: [Event] = []
        while let line = channel.takeLine() {
            let fields = line.split(separator: " ")
            switch (fields.first, fields.count > 1 ? Int(fields[1]) : nil) {
            case let ("ran"?, rank?) where assigned.first == rank:
                unrecorded.append(assigned.removeFirst())
            case let ("done"?, rank?) where fields.count == 3:
                let code = Int32(fields[2]) ?? 1
                unrecorded.removeAll { $0 == rank }
                if assigned.first == rank { assigned.removeFirst() }
                events.append(.recorded(rank: rank, exitCode: code))
                // A failed task ends its worker; what else it was handed is lost.
                if code != 0 { return events + end(status: retire()) }
            default:
                return events + end(status: retire())
            }
        }
        if !open { events += end(status: retire()) }
        return events
    }

    /// The tasks still owed when the worker has ended.
    private func end(status: Int32) -> [Event] {
        defer { assigned = []; unrecorded = [] }
        return unrecorded.map { .lost(rank: $0, running: false, status: status) }
            + assigned.enumerated().map { .lost(rank: $0.element, running: $0.offset == 0, status: status) }
    }

    /// Ends the worker (closing its socket is its end of input) and returns its exit status.
    @discardableResult
    func retire() -> Int32 {
        guard !ended else { return 0 }
        ended = true
        close(channel.fd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return status
    }

    /// The workers whose sockets have something to read (a reply, or their end), waiting up to
    /// `timeout` seconds for one.
    static func wait(_ workers: [WorkerProcess], timeout: Double) -> [WorkerProcess] {
        var fds = workers.map { pollfd(fd: $0.channel.fd, events: Int16(POLLIN), revents: 0) }
        let n = poll(&fds, nfds_t(fds.count), Int32(timeout * 1000))
        guard n > 0 else { return [] }
        return zip(workers, fds).filter { $0.1.revents != 0 }.map(\.0)
    }
}
