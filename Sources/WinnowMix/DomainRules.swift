import WinnowCore

/// A host/path → domain table read from a text file, one rule a line:
///
///     # comment
///     wikipedia.org          Culture
///     arxiv.org/list/cs      Technology
///     .gov                   Government
///
/// A rule matches a URL whose host is the rule's host or ends with `.` + it (so `wikipedia.org`
/// matches `en.wikipedia.org`; a rule starting with `.` matches a suffix such as a TLD) and whose
/// path starts with the rule's path. The most specific rule wins: the longest host, then the
/// longest path.
public struct DomainRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        var host: String
        var path: String
        var label: String
    }

    var rules: [Rule]

    /// Reads the table; every label must be one of `labels` (nil: any label).
    public init(path: String, labels: Set<String>?) throws {
        let text = String(decoding: try readFile(path), as: UTF8.self)
        rules = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.prefix { $0 != "#" }.trimming()
            if line.isEmpty { continue }
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2 else {
                throw WinnowError.config(path: path, line: number + 1, detail: "expected 'host[/path] domain', got '\(line)'")
            }
            let label = String(parts[1]).trimming()
            if let labels, !labels.contains(label) {
                throw WinnowError.config(path: path, line: number + 1,
                                         detail: "'\(label)' is not one of the labels (\(labels.sorted().joined(separator: ", ")))")
            }
            let target = parts[0].lowercased()
            let slash = target.firstIndex(of: "/") ?? target.endIndex
            rules.append(Rule(host: String(target[..<slash]), path: String(target[slash...]), label: label))
        }
        rules.sort { ($0.host.count, $0.path.count) > ($1.host.count, $1.path.count) }
    }

    /// The label of the most specific rule matching `url`, if any.
    public func label(for url: String) -> String? {
        guard let parts = MeCoPrefix.hostAndPath(of: url) else { return nil }
        var host = parts.host.lowercased()
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        let path = parts.path.lowercased()
        for rule in rules {
            let hostMatches = rule.host.hasPrefix(".") ? host.hasSuffix(rule.host)
                                                        : host == rule.host || host.hasSuffix("." + rule.host)
            if hostMatches, path.hasPrefix(rule.path) { return rule.label }
        }
        return nil
    }
}
