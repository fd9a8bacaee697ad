import WinnowCore

/// `rule: field`: a predicate on a metadata value, such as `key: language` with
/// `in: [en, de]`. Keys may be dotted paths into nested objects (`quality.score`).
public struct FieldRule: FilterRule {
    public static let name = "field"

    public enum Predicate: Sendable, Equatable {
        case oneOf([String])
        case noneOf([String])
        case range(min: Double?, max: Double?)
        case exists(Bool)
    }

    public let key: String
    public let predicate: Predicate

    public init(key: String, predicate: Predicate) {
        self.key = key
        self.predicate = predicate
    }

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        guard let key = try settings.string("key") else { throw settings.missing("key", "must be given") }
        self.key = key
        var predicates: [Predicate] = []
        if let values = try settings.strings("in") { predicates.append(.oneOf(values)) }
        if let values = try settings.strings("not_in") { predicates.append(.noneOf(values)) }
        if let value = try settings.string("equals") { predicates.append(.oneOf([value])) }
        // A metadata field may hold any number, negative ones included.
        let any = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
        let min = try settings.double("min", in: any), max = try settings.double("max", in: any)
        if min != nil || max != nil { predicates.append(.range(min: min, max: max)) }
        if let node = settings.node("exists") {
            predicates.append(.exists(try SettingsReader.parseBool(node, owner: settings.owner, key: "exists")))
        }
        guard predicates.count == 1, let predicate = predicates.first else {
            throw settings.error("key", "needs exactly one of in, not_in, equals, min/max, exists")
        }
        self.predicate = predicate
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        decide(doc.metadata.value(atPath: key)).map(RuleResult.fail) ?? .pass
    }

    private func decide(_ value: JSONValue?) -> String? {
        switch predicate {
        case let .exists(wanted):
            let present = value != nil && value != .null
            return present == wanted ? nil : (wanted ? "\(key) missing" : "\(key) present")
        case let .oneOf(allowed):
            guard let value, value != .null else { return "\(key) missing" }
            return allowed.contains(value.displayText) ? nil : "\(key) not in [\(allowed.joined(separator: ", "))]"
        case let .noneOf(banned):
            guard let value, value != .null else { return nil }
            return banned.contains(value.displayText) ? "\(key) in [\(banned.joined(separator: ", "))]" : nil
        case let .range(min, max):
            guard let number = value?.doubleValue else { return "\(key) missing or not a number" }
            if let min, number < min { return "\(key) below \(min.formatted)" }
            if let max, number > max { return "\(key) above \(max.formatted)" }
            return nil
        }
    }
}

extension Double {
    /// Whole numbers without a trailing `.0`, for messages.
    var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}
