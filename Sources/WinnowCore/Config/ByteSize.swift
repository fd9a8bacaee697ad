/// Sizes written the way people write them in pipeline files: `512MB`, `4GB`, `1.5GiB`, `2g`,
/// or a plain number of bytes. KB/MB/GB/TB and their binary forms are both powers of 1024, as
/// Slurm's `--mem` reads them, so a step's `memory:` means the same to Winnow and the scheduler.
public enum ByteSize {
    /// What one task may hold when its step does not say (`memory:`).
    public static let defaultMemoryLimit = 1 << 30
    /// The smallest `memory:` a step may set: a task holds about 30 MB (the program, ICU's
    /// data, its buffers) before it reads anything.
    public static let minimumMemoryLimit = 128 << 20

    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimming().lowercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(digits), value >= 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimming()
        let powers: [String: Int] = ["": 0, "b": 0, "k": 1, "kb": 1, "kib": 1, "m": 2, "mb": 2, "mib": 2,
                                     "g": 3, "gb": 3, "gib": 3, "t": 4, "tb": 4, "tib": 4]
        guard let power = powers[unit] else { return nil }
        let bytes = value * Double(1 << (10 * power))
        guard bytes < Double(Int.max) else { return nil }
        return Int(bytes)
    }

    /// `bytes` with a binary unit and one decimal: `1.5 GB`, `512.0 MB`.
    public static func describe(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
