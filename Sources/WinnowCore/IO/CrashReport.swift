#if canImport(Glibc)
import Glibc
#endif

/// Says which file a task was reading when it died by a signal (a trap on bad bytes that a
/// reader failed to check, a bus error on a truncated mapped file), so the task's log and the
/// run's error name the file to look at instead of only "killed by signal 4".
///
/// Readers call `reading(_:)` when they open a file; a task process calls `install()` once.
/// On SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE or SIGABRT the handler writes one line,
/// `winnow: task killed by SIGILL while reading PATH`, to standard error (the task's log), then
/// dies by the same signal, so the runner still sees a signal death. With several threads
/// reading, the path is the last file opened. SIGKILL cannot be caught and is not reported.
public enum CrashReport {
    /// The start of the line the handler writes; `runnerNote(log:)` looks for it.
    public static let marker = "winnow: task killed by "
    static let capacity = 4096
    /// The path, preallocated, since a signal handler may not allocate.
    nonisolated(unsafe) static let path = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    nonisolated(unsafe) static var length = 0
    static let signals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]

    /// Records the file now being read.
    public static func reading(_ file: String) {
        var count = 0
        for byte in file.utf8.prefix(capacity) {
            path[count] = byte
            count += 1
        }
        length = count
    }

    /// Installs the handler (a task process calls this once, before reading anything).
    public static func install() {
        reading("")
        for sig in signals { signal(sig, crashHandler) }
    }

    /// Written from the signal handler: only `write(2)` on memory that already exists.
    static func report(_ sig: Int32) {
        func put(_ text: StaticString) { _ = write(2, text.utf8Start, text.utf8CodeUnitCount) }
        put("\nwinnow: task killed by ")
        switch sig {
        case SIGILL: put("SIGILL (a trap)")
        case SIGTRAP: put("SIGTRAP (a trap)")
        case SIGSEGV: put("SIGSEGV")
        case SIGBUS: put("SIGBUS")
        case SIGFPE: put("SIGFPE")
        default: put("SIGABRT")
        }
        if length > 0 {
            put(" while reading ")
            _ = write(2, path, length)
        }
        put("\n")
    }

    /// What the runner adds to "killed by signal N": the handler's line in the task's log,
    /// from "while reading" on, or nothing.
    public static func runnerNote(log: String) -> String {
        guard let bytes = try? readFile(log) else { return "" }
        let text = String(decoding: bytes.suffix(16_384), as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix(marker) }),
              let range = line.firstRange(of: " while reading ") else { return "" }
        return String(line[range.lowerBound...])
    }
}

private let crashHandler: @convention(c) (Int32) -> Void = { sig in
    CrashReport.report(sig)
    signal(sig, SIG_DFL)
    raise(sig)
}
