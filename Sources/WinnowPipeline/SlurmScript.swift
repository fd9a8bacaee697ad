import WinnowCore

/// The batch scripts the Slurm executor submits: one command, its arguments kept as they are.
enum SlurmScript {
    /// The argument the shell fills in with an array task's rank: the array index plus the
    /// script's first argument, the rank of the array's index 0 (arrays are capped by
    /// MaxArraySize, so the ranks of a large phase are spread over several, each from an
    /// offset; an argument, so no sbatch --export option of the user's can lose it).
    static let rank = "$rank"

    /// Writes the script; returns its path. With `arrayLogPrefix`, it is an array task's: it
    /// works out its rank, and in an array that starts at an offset, writes its output to the
    /// rank's log itself (`<prefix><rank>.log`), which Slurm's `--output` cannot name there.
    static func write(_ path: String, command: [String], comment: String, environment: [String: String] = [:],
                      arrayLogPrefix: String? = nil) throws -> String {
        var lines = ["#!/bin/bash", "# \(comment)"]
        lines += environment.sorted { $0.key < $1.key }.map { "export \($0.key)=\(quoted($0.value))" }
        if let prefix = arrayLogPrefix {
            let offset = "${1:-0}"
            lines.append("rank=$((\(offset) + SLURM_ARRAY_TASK_ID))")
            lines.append("if (( \(offset) > 0 )); then exec >>\(quoted(prefix))\"$rank.log\" 2>&1; fi")
        }
        lines.append("exec " + command.map(quoted).joined(separator: " "))
        try writeFileAtomically(path, Array((lines.joined(separator: "\n") + "\n").utf8))
        chmod(path, 0o755)
        return path
    }

    /// Single quotes keep every argument as it is, but the rank, which the shell fills in.
    static func quoted(_ text: String) -> String {
        text == rank ? "\"\(text)\"" : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
