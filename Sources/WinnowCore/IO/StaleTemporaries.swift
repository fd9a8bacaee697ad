import Synchronization

/// Deletes the temporary files (`path.tmp-PID`) that killed earlier attempts at writing `path`
/// left behind. Each final name belongs to one task, and attempts at a task never overlap, so
/// whoever is about to write `path` may delete them.
public func removeStaleTemporaries(of path: String) {
    StaleTemporaries.remove(of: path)
}

/// The temporaries of other processes found in each folder this process writes into. A folder
/// is read once, not before every file: in folders of thousands of shards, reading (and
/// sorting) the listing before each write made a step's writes quadratic. New stale
/// temporaries appear only when an attempt is killed, and the task that owns the file then runs
/// again as a new attempt, which calls `forget()` first; a process that starts afresh reads
/// every folder anew.
public enum StaleTemporaries {
    private static let found = Mutex<[String: Set<String>]>([:])

    static func remove(of path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let prefix = (slash.map { String(path[path.index(after: $0)...]) } ?? path) + ".tmp-"
        let stale: [String] = found.withLock { folders in
            if folders[directory] == nil { folders[directory] = scan(directory) }
            let matching = folders[directory]!.filter { $0.hasPrefix(prefix) }
            folders[directory]!.subtract(matching)
            return Array(matching)
        }
        for file in stale { unlink("\(directory)/\(file)") }
    }

    /// Forgets what was found, for a retried attempt whose killed predecessor (in another
    /// process) may have left temporaries since.
    public static func forget() {
        found.withLock { $0.removeAll() }
    }

    /// Temporary files of other processes in `directory`.
    private static func scan(_ directory: String) -> Set<String> {
        let mine = ".tmp-\(getpid())"
        return Set(listDirectory(directory).filter { $0.contains(".tmp-") && !$0.hasSuffix(mine) })
    }
}
