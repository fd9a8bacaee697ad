import WinnowCore

/// How a step's tasks ask Slurm for resources (`slurm:` at the top of a pipeline file, and per
/// step, overriding): the partition, CPUs per task, a time limit and any other sbatch options.
/// Memory comes from the step's `memory:`, so Winnow and Slurm agree on it.
public struct SlurmOptions: Sendable, Equatable {
    public var partition: String?
    public var cpus = 1
    /// sbatch's `--time` (`MM`, `HH:MM:SS`, `D-HH`).
    public var time: String?
    /// Further sbatch arguments, as written (`--qos=high`, `--account=data`).
    public var options: [String] = []
    /// The most tasks one job array may hold (`max_array_size`); the cluster's MaxArraySize
    /// when not set or larger. A step with more tasks is submitted as several arrays.
    public var maxArraySize: Int?

    public init() {}

    /// Reads a `slurm:` mapping over `defaults`.
    init(_ node: ConfigNode?, owner: String, over defaults: SlurmOptions) throws {
        self = defaults
        guard let node else { return }
        let settings = try SettingsReader(node, owner: "\(owner) slurm")
        partition = try settings.string("partition") ?? partition
        cpus = try settings.int("cpus", default: cpus)
        guard cpus >= 1 else { throw settings.error("cpus", "must be at least 1") }
        time = try settings.string("time") ?? time
        options += try settings.strings("options") ?? []
        if let size = try settings.int("max_array_size") {
            guard size >= 1 else { throw settings.error("max_array_size", "must be at least 1") }
            maxArraySize = size
        }
        for option in options where !option.hasPrefix("--") {
            throw settings.error("options", "lists sbatch options such as --qos=high, not '\(option)'")
        }
        try settings.finish()
    }

    /// The sbatch arguments for a task that may hold `memory` bytes.
    func arguments(memory: Int) -> [String] {
        var arguments = ["--cpus-per-task=\(cpus)", "--mem=\(max(1, memory >> 20))M"]
        if let partition { arguments.append("--partition=\(partition)") }
        if let time { arguments.append("--time=\(time)") }
        return arguments + options
    }
}
