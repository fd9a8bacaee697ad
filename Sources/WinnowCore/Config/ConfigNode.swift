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

    /// A string that must be one of `choices`.
    public func choice(_ key: String, _ choices: [String], default fallback: String) throws -> String {
        let value = try string(key, default: fallback)
        guard choices.contains(value) else {
            throw error(key, "must be one of \(choices.joined(separator: ", ")), not '\(value)'")
        }
        return value
    }

    public func int(_ key: String) throws -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text.filter { $0 != "_" }) else {
            throw error(key, "must be a whole number, not '\(text)'")
        }
        return value
    }

    public func int(_ key: String, default fallback: Int) throws -> Int { try int(key) ?? fallback }

    public func double(_ key: String) throws -> Double? {
        guard let text = try string(key) else { return nil }
        guard let value = Double(text.filter { $0 != "_" }) else {
            throw error(key, "must be a number, not '\(text)'")
        }
        return value
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
