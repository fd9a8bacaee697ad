import CLinux
import Synchronization

/// Durable files whose wait for the disk is gathered into one (group commit). Waiting for the
/// disk (fsync) costs a journal commit and a flush of the disk's cache, several milliseconds,
/// per file: for a thousand small shards that is more than their work. A process that runs
/// many tasks in turn (`TaskWorker`) turns deferral on; then a durable `AtomicFile` starts
/// writing its bytes to the disk, is renamed into place at once (a kill cannot tell the
/// difference), and keeps its descriptor here; `flush()` waits for all of them with one
/// `syncfs` per filesystem, and the caller records the tasks as finished only after it. A
/// power cut before `flush()` loses only files whose tasks are not yet recorded as finished,
/// which a rerun writes again.
public enum DeferredSync {
    private static let pending = Mutex<(enabled: Bool, files: [(fd: Int32, path: String)])>((false, []))

    /// Defers the disk waits of durable files written from now on in this process.
    public static func enable() {
        pending.withLock { $0.enabled = true }
    }

    /// Takes a written file's descriptor to wait for later, if deferral is on (false: the
    /// caller waits now, as usual). The descriptor is closed by `flush()`.
    static func hold(fd: Int32, path: String) -> Bool {
        pending.withLock { state in
            guard state.enabled else { return false }
            // Starts the write-back now, so the later wait finds most bytes on their way.
            _ = clinux_start_writeback(fd)
            state.files.append((fd, path))
            return true
        }
    }

    /// Waits until every deferred file is on the disk (one `syncfs` per filesystem, which also
    /// waits for the directory entries the renames changed); the first error names its file.
    public static func flush() throws {
        let files = pending.withLock { state in
            defer { state.files.removeAll() }
            return state.files
        }
        var failure: WinnowError?
        var synced: Set<UInt64> = []
        for file in files {
            var info = stat()
            let device = fstat(file.fd, &info) == 0 ? UInt64(info.st_dev) : UInt64.max
            if synced.insert(device).inserted, syncfs(file.fd) != 0, failure == nil {
                failure = .io(path: file.path, operation: "syncfs", errno: errno)
            }
        }
        for file in files { close(file.fd) }
        if let failure { throw failure }
    }
}
