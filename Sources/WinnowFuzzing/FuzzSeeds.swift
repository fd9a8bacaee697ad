import WinnowCore

/// A target's seed corpus: its real files from the repository and the seeds made in code.
public enum FuzzSeeds {
    /// Every seed input of `target`, read from under `repository`.
    public static func inputs(of target: FuzzTarget, repository: String) throws -> [(name: String, bytes: [UInt8])] {
        var inputs: [(String, [UInt8])] = []
        for seed in target.seeds {
            let path = "\(repository)/\(seed)"
            let files = isDirectory(path) ? listDirectory(path).sorted().map { "\(path)/\($0)" }.filter { !isDirectory($0) } : [path]
            for file in files { inputs.append((String(file.split(separator: "/").last ?? ""), try readFile(file))) }
        }
        for (k, bytes) in try target.madeSeeds().enumerated() { inputs.append(("made-\(k)", bytes)) }
        return inputs
    }

    /// Writes the seeds into `directory` (libFuzzer's corpus folder); returns how many.
    public static func write(_ target: FuzzTarget, to directory: String, repository: String) throws -> Int {
        let inputs = try inputs(of: target, repository: repository)
        for input in inputs { try writeFileAtomically("\(directory)/seed-\(input.name)", input.bytes) }
        return inputs.count
    }
}
