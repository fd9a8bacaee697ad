import WinnowCore

/// `rule: url`: blocklists for `metadata.url` (or another field), as RefinedWeb, DCLM and
/// datatrove's URLFilter use them: a file of domains (a document is blocked when its host is a
/// listed domain or under one) and a file of banned substrings of the lowercased URL.
public struct URLRule: FilterRule {
    public static let name = "url"

    public let field: String
    public let domains: Set<String>
    public let substrings: [String]

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        field = try settings.string("field", default: "url")
        domains = try settings.string("domains").map { try WordListFile.read($0, settings: settings, key: "domains") } ?? []
        substrings = try settings.string("substrings").map { try WordListFile.read($0, settings: settings, key: "substrings") }
            .map { $0.sorted() } ?? []
        if domains.isEmpty && substrings.isEmpty { throw settings.error("domains", "or 'substrings' must name a blocklist file") }
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        guard let url = doc.metadata.value(atPath: field)?.stringValue?.lowercased() else { return .pass }
        if let host = URLRule.host(of: url) {
            var candidate = Substring(host)
            while true {
                if domains.contains(String(candidate)) {
                    measured["url_blocked_by"] = .string(String(candidate))
                    return .fail("blocked domain")
                }
                guard let dot = candidate.firstIndex(of: ".") else { break }
                candidate = candidate[candidate.index(after: dot)...]
            }
        }
        if let hit = substrings.first(where: { url.contains($0) }) {
            measured["url_blocked_by"] = .string(hit)
            return .fail("blocked url substring")
        }
        return .pass
    }

    /// The host of a URL: after `scheme://` and any `user@`, before the port, path, query or fragment.
    static func host(of url: String) -> String? {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { "/?#".contains($0) }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }
}
