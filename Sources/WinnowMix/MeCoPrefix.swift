import WinnowCore

/// MeCo's metadata prefix (methods.md §3.2): `URL: <host>\n\n`, where the host is the URL with
/// `http://`/`https://` stripped, up to the first `/` (`--use_short_url`: subdomains kept).
/// Variants: the full URL, or a metadata value as is (a topic, a hashed URL).
public struct MeCoPrefix: Sendable, Equatable {
    public enum Source: String, Sendable, CaseIterable {
        case host
        /// The URL as given.
        case url
        /// The field's value as is.
        case value
        case none
    }

    public var source: Source = .host
    /// The metadata key read (dotted path).
    public var field = "url"
    public var before = "URL: "
    public var after = "\n\n"

    public init() {}

    public init(settings: SettingsReader) throws {
        source = Source(rawValue: try settings.choice("meco", Source.allCases.map(\.rawValue), default: "host"))!
        field = try settings.string("meco_field", default: field)
        before = try settings.string("meco_before", default: before)
        after = try settings.string("meco_after", default: after)
    }

    /// The prefix of a document, or nil when it has no usable value.
    public func prefix(for metadata: JSONObject) -> String? {
        guard source != .none, let value = metadata.value(atPath: field)?.stringValue, !value.isEmpty else { return nil }
        let shown: Substring
        switch source {
        case .host:
            guard let host = MeCoPrefix.host(of: value) else { return nil }
            shown = host
        case .url, .value: shown = Substring(value)
        case .none: return nil
        }
        return before + shown + after
    }

    /// MeCo's short URL: without `http://` or `https://` (any case), everything before the first `/`.
    public static func host(of url: String) -> Substring? {
        hostAndPath(of: url).map(\.host)
    }

    /// The short URL and what follows it (the path, from its `/`).
    public static func hostAndPath(of url: String) -> (host: Substring, path: Substring)? {
        var rest = Substring(url)
        for scheme in ["https://", "http://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            break
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        return slash == rest.startIndex ? nil : (rest[..<slash], rest[slash...])
    }
}
