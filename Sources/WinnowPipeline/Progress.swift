import WinnowCore

/// Tracks a running step from the ledger's finished tasks and the running tasks' progress files.
final class StepProgress {
    struct Snapshot {
        var step: String
        var world: Int
        var done: Int
        var running: Int
        var docs: Int
        var bytesRead: Int64
        /// Fraction of this run's input bytes processed, 0…1.
        var fraction: Double
        var elapsed: Double
    }

    let phase: StepPhase
    let world: Int
    let workdir: Workdir
    let started = monotonicSeconds()
    private var done: Int
    private var runningRanks: Set<Int> = []
    private var finishedDocs = 0
    private var finishedBytes: Int64 = 0
    private var finishedInput: Int64 = 0
    private let inputSize: [Int: Int64]
    /// Input bytes of the tasks this run has to do (finished ones excluded), for the ETA.
    private let totalInput: Int64

    init(phase: StepPhase, world: Int, alreadyDone: Set<Int>, shards: [String], workdir: Workdir) {
        self.phase = phase
        self.world = world
        self.workdir = workdir
        done = alreadyDone.count
        var sizes: [Int: Int64] = [:]
        for (i, shard) in shards.enumerated() { sizes[TaskAssignment.rank(readingShard: i, world: world), default: 0] += fileSize(shard) }
        inputSize = sizes
        totalInput = max(1, sizes.filter { !alreadyDone.contains($0.key) }.values.reduce(0, +))
    }

    func started(_ rank: Int) {
        unlink(workdir.progress(phase, rank: rank))
        runningRanks.insert(rank)
    }

    func finished(_ rank: Int, stats: TaskStats?) {
        runningRanks.remove(rank)
        done += 1
        finishedDocs += stats?.docsIn ?? 0
        finishedBytes += stats?.bytesIn ?? 0
        finishedInput += inputSize[rank] ?? 0
    }

    func stopped(_ rank: Int) { runningRanks.remove(rank) }

    func snapshot() -> Snapshot {
        var docs = finishedDocs, bytes = finishedBytes, input = finishedInput
        for rank in runningRanks {
            guard let progress = ProgressFile.read(workdir.progress(phase, rank: rank)) else { continue }
            docs += progress.docs
            bytes += progress.bytesRead
            input += progress.inputBytesDone
        }
        return Snapshot(step: phase.ledgerID, world: world, done: done, running: runningRanks.count, docs: docs, bytesRead: bytes,
                        fraction: min(1, Double(input) / Double(totalInput)), elapsed: monotonicSeconds() - started)
    }
}

/// Shows what the runner is doing: a live line on a terminal, plain log lines otherwise.
public final class ProgressDisplay {
    let live: Bool
    private var lastPlain = monotonicSeconds()
    private var lineShown = false

    public init(live: Bool) { self.live = live }

    func stepStarted(_ step: String, stage: String, world: Int, skipped: Int) {
        let resumed = skipped > 0 ? ", \(skipped) already done" : ""
        emit("step \(step) (\(stage)): \(world) task(s)\(resumed)")
    }

    func update(_ s: StepProgress.Snapshot) {
        let now = monotonicSeconds()
        if live {
            writeLive(line(s))
        } else if now - lastPlain >= 10 {
            lastPlain = now
            emit(line(s))
        }
    }

    func stepFinished(_ s: StepProgress.Snapshot, failed: Int) {
        emit(line(s) + (failed > 0 ? ", \(failed) task(s) FAILED" : ", finished"))
    }

    func note(_ message: String) { emit(message) }

    private func line(_ s: StepProgress.Snapshot) -> String {
        let elapsed = max(s.elapsed, 0.001)
        let docsPerSecond = Double(s.docs) / elapsed
        let megabytesPerSecond = Double(s.bytesRead) / 1e6 / elapsed
        var text = "  \(s.step): tasks \(s.done)/\(s.world) (\(s.running) running), \(s.docs) docs, "
            + "\(Int(docsPerSecond)) docs/s, \(String(format1: megabytesPerSecond)) MB/s, \(String(format1: s.elapsed)) s"
        if s.fraction > 0.01, s.fraction < 1 {
            text += ", ETA \(Int((s.elapsed / s.fraction) * (1 - s.fraction))) s"
        }
        return text
    }

    private func writeLive(_ text: String) {
        FileOutput.standardError("\r\u{1B}[K" + text)
        lineShown = true
    }

    private func emit(_ text: String) {
        if live && lineShown {
            FileOutput.standardError("\r\u{1B}[K")
            lineShown = false
        }
        FileOutput.standardError(text + "\n")
    }
}

/// Writes straight to a file descriptor (no shared C stdio state).
public enum FileOutput {
    public static func standardError(_ text: String) { write(2, text) }
    public static func standardOutput(_ text: String) { write(1, text) }

    private static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
