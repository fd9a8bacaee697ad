/// A JSON value as Winnow keeps it: numbers stay as their literal text, so a value read and
/// written back is unchanged (`1.50` stays `1.50`, a 64-bit id keeps all its digits).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text as it appeared (also `NaN`, `Infinity`, `-Infinity`, which
    /// Python's json module writes and reads).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public init(_ value: Double) {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            self = .number(String(Int64(value)))
        } else if value.isNaN {
            self = .number("NaN")
        } else if value.isInfinite {
            self = .number(value > 0 ? "Infinity" : "-Infinity")
        } else {
            self = .number("\(value)")
        }
    }

    public init(_ value: Int) { self = .number(String(value)) }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var doubleValue: Double? {
        switch self {
        case let .number(text): return Double(text)
        case let .bool(b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The value as a short human-readable string: strings bare, everything else as JSON.
    public var displayText: String {
        if case let .string(s) = self { return s }
        var out: [UInt8] = []
        JSONWriter.append(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// A JSON object that keeps its members in order, as they were read or added.
public struct JSONObject: Sendable, Equatable, Sequence {
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) { self.key = key; self.value = value }
    }

    public private(set) var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }

    /// The value of the last member named `key` (as Python's json keeps the last duplicate);
    /// setting replaces that member in place or appends a new one; setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { members.last(where: { $0.key == key })?.value }
        set {
            if let index = members.lastIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Follows a dotted path such as `quality.score` through nested objects.
    public func value(atPath path: String) -> JSONValue? {
        var current: JSONObject = self
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        for (i, part) in parts.enumerated() {
            guard let value = current[String(part)] else { return nil }
            if i == parts.count - 1 { return value }
            guard case let .object(next) = value else { return nil }
            current = next
        }
        return nil
    }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }
}
