import WinnowCore

/// Reads the word and domain lists rules take from files: one entry per line, `#` starts a
/// comment, blank lines ignored, entries lowercased.
enum WordListFile {
    static func read(_ path: String, settings: SettingsReader, key: String) throws -> Set<String> {
        guard fileExists(path) else { throw settings.error(key, "names '\(path)', which does not exist") }
        let text = String(decoding: try readFile(path), as: UTF8.self)
        var entries: Set<String> = []
        for line in text.split(whereSeparator: \.isNewline) {
            let entry = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimming().lowercased()
            if !entry.isEmpty { entries.insert(entry) }
        }
        return entries
    }
}
