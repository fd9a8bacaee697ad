/// A node of a pipeline file, independent of the YAML library, with the line it came from, so
/// stage modules can decode their settings and name the exact line of a mistake.
public struct ConfigNode: Sendable {
    public enum Value: Sendable {
        case scalar(String)
        case sequence([ConfigNode])
        case mapping([(key: String, value: ConfigNode)])
    }

    public var value: Value
    /// 1-based line in `file`.
    public var line: Int
    public var file: String

    public init(_ value: Value, line: Int, file: String) {
        self.value = value
        self.line = line
        self.file = file
    }

    public var scalar: String? {
        if case let .scalar(s) = value { return s }
        return nil
    }

    func error(_ detail: String) -> WinnowError {
        .config(path: file, line: line, detail: detail)
    }
}

/// Reads a stage's (or a rule's) settings from a mapping, remembering which keys were used so
/// that any key left over is reported as unknown, with its line.
public final class SettingsReader {
    public let node: ConfigNode
    /// What these settings belong to, for messages ("step 'clean'", "rule 'length'").
    public let owner: String
    private var entries: [(key: String, value: ConfigNode)]
    private var used: Set<String> = []

    public init(_ node: ConfigNode, owner: String, ignoring framework: Set<String> = []) throws {
        self.node = node
        self.owner = owner
        guard case let .mapping(entries) = node.value else {
            throw node.error("\(owner): expected a mapping of settings")
        }
        var seen: Set<String> = []
        for entry in entries where !seen.insert(entry.key).inserted {
            throw entry.value.error("\(owner): key '\(entry.key)' is given twice")
        }
        self.entries = entries
        used = framework
    }

    /// The node under `key`, if present (marks the key as used).
    public func node(_ key: String) -> ConfigNode? {
        used.insert(key)
        return entries.first { $0.key == key }?.value
    }

    public func error(_ key: String, _ detail: String) -> WinnowError {
        let line = entries.first { $0.key == key }?.value.line ?? node.line
        return .config(path: node.file, line: line, detail: "\(owner): '\(key)' \(detail)")
    }

    public func string(_ key: String) throws -> String? {
        guard let value = node(key) else { return nil }
        guard let s = value.scalar else { throw error(key, "must be a single value") }
        return s
    }

    public func string(_ key: String, default fallback: String) throws -> String {
        try string(key) ?? fallback
    }

    /// A path to a file or folder that must exist: checked when the pipeline loads, so a typo
    /// is a `FILE:LINE` error before anything runs rather than a failed task.
    public func existingPath(_ key: String) throws -> String? {
        guard let path = try string(key) else { return nil }
        guard fileExists(path) else { throw error(key, "names '\(path)', which does not exist") }
        return path
    }

    /// A string that must be one of `choices`.
    public func choice(_ key: String, _ choices: [String], default fallback: String) throws -> String {
        let value = try string(key, default: fallback)
        guard choices.contains(value) else {
            throw error(key, "must be one of \(choices.joined(separator: ", ")), not '\(value)'")
        }
        return value
    }

    /// The largest whole number a setting takes unless its reader allows more: far above any
    /// real count or size (256 TiB), and far enough below `Int.max` that arithmetic on it
    /// cannot overflow.
    public static let largestNumber = 1 << 48

    /// A whole number in `range` (by default not negative and not absurd): the one reader every
    /// numeric key goes through, so `-5` or `100000000000` is refused with its line instead of
    /// being read as "no limit" somewhere downstream.
    public func int(_ key: String, in range: ClosedRange<Int> = 0...SettingsReader.largestNumber) throws -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text.filter { $0 != "_" }) else {
            throw error(key, "must be a whole number, not '\(text)'")
        }
        guard range.contains(value) else {
            throw error(key, "must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return value
    }

    public func int(_ key: String, default fallback: Int, in range: ClosedRange<Int> = 0...SettingsReader.largestNumber) throws -> Int {
        try int(key, in: range) ?? fallback
    }

    /// A finite number in `range` (by default not negative).
    public func double(_ key: String, in range: ClosedRange<Double> = 0...Double.greatestFiniteMagnitude) throws -> Double? {
        guard let text = try string(key) else { return nil }
        guard let value = Double(text.filter { $0 != "_" }), value.isFinite else {
            throw error(key, "must be a number, not '\(text)'")
        }
        guard range.contains(value) else {
            let bounds = range.upperBound == .greatestFiniteMagnitude ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw error(key, "must be a number \(bounds), not \(text)")
        }
        return value
    }

    /// The error for a required key that is missing. A key given but never asked for that looks
    /// like it (`minimum` for `min`) is the likelier mistake, so that one is named instead.
    public func missing(_ key: String, _ detail: String) -> WinnowError {
        if let typo = entries.first(where: { !used.contains($0.key) && SettingsReader.resembles($0.key, key) }) {
            return typo.value.error("\(owner): unknown key '\(typo.key)' (did you mean '\(key)'?)")
        }
        return error(key, detail)
    }

    /// One name is a prefix of the other, or they differ by at most two edits.
    static func resembles(_ a: String, _ b: String) -> Bool {
        let a = Array(a.lowercased().utf8), b = Array(b.lowercased().utf8)
        // (Both are non-empty past this line: the empty name is a prefix of every name.)
        if a.starts(with: b) || b.starts(with: a) { return true }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count] <= 2
    }

    public func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = node(key) else { return fallback }
        return try SettingsReader.parseBool(value, owner: owner, key: key)
    }

    /// A list of single values; a lone value counts as a list of one.
    public func strings(_ key: String) throws -> [String]? {
        guard let value = node(key) else { return nil }
        switch value.value {
        case let .scalar(s): return [s]
        case let .sequence(items):
            return try items.map { item in
                guard let s = item.scalar else { throw item.error("\(owner): '\(key)' must list single values") }
                return s
            }
        case .mapping: throw error(key, "must be a list")
        }
    }

    /// Throws for the first key that no one asked for.
    public func finish() throws {
        if let unknown = entries.first(where: { !used.contains($0.key) }) {
            let known = used.sorted().joined(separator: ", ")
            throw unknown.value.error("\(owner): unknown key '\(unknown.key)' (known keys: \(known))")
        }
    }
}

extension SettingsReader {
    /// Reads a node as true/false.
    public static func parseBool(_ node: ConfigNode, owner: String, key: String) throws -> Bool {
        switch node.scalar?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw node.error("\(owner): '\(key)' must be true or false")
        }
    }
}
