import WinnowCore

/// The MinHash step's intermediate readers behind one public door, so the fuzzing harness
/// (Sources/WinnowFuzzing) can hand them damaged files: each reads the whole sealed file at
/// `path` and touches every record, as the next phase would.
public enum DedupIntermediateFiles {
    public enum Kind: String, Sendable, CaseIterable { case manifest, documents, decisions }

    /// Reads the file and returns how many records it held.
    @discardableResult
    public static func read(_ kind: Kind, path: String) throws -> Int {
        switch kind {
        case .manifest:
            return try SignatureManifest.read(path, rank: 0).shards.count
        case .documents:
            let table = try DocumentTable(path: path, writtenBy: PhaseTask(phase: 0, rank: 0))
            var bytes = 0
            for line in 0...(table.lines + 1) { bytes += table.id(line: line).utf8.count + (table.priority(line: line).isNaN ? 0 : 1) }
            return bytes
        case .decisions:
            return try Decision.readAll(path).count
        }
    }
}
