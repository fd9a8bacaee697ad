#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif

/// Seconds since an arbitrary fixed point, for measuring durations.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Seconds since the Unix epoch, for timestamps in the ledger and stats.
public func wallClockSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// How many worker threads corpus-wide work uses: every online core.
public var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

/// This process's resident memory now, in bytes (from /proc/self/statm; 0 where there is none).
public func residentMemory() -> Int {
    guard let text = try? readFile("/proc/self/statm") else { return 0 }
    let fields = String(decoding: text, as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// This process's largest resident memory since it started or since
/// `resetPeakResidentMemory()`, in bytes (VmHWM in /proc/self/status; getrusage where there is
/// no /proc).
public func peakResidentMemory() -> Int64 {
    if let text = try? readFile("/proc/self/status"),
       let line = String(decoding: text, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kilobytes = Int64(line.split(separator: " ").dropFirst().first ?? "") {
        return kilobytes * 1024
    }
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int64(usage.ru_maxrss) * 1024
}

/// Starts the peak that `peakResidentMemory` reports afresh from the memory in use now, so a
/// process that runs tasks one after another reports each task's own peak.
public func resetPeakResidentMemory() {
    let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = write(fd, "5", 1)
    close(fd)
}
