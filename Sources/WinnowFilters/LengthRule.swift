import WinnowCore

/// `rule: length`: bounds on the text's length in characters (Unicode scalars, as Python's
/// `len`), UTF-8 bytes, or words (the filter step's word splitting: English-style tokens, or
/// ICU word boundaries for scripts written without spaces).
public struct LengthRule: FilterRule {
    public static let name = "length"

    public enum Unit: String, Sendable, CaseIterable { case characters, bytes, words }

    public let unit: Unit
    public let min: Int?
    public let max: Int?

    public init(unit: Unit, min: Int?, max: Int?) {
        self.unit = unit
        self.min = min
        self.max = max
    }

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        let unitName = try settings.choice("unit", Unit.allCases.map(\.rawValue), default: Unit.characters.rawValue)
        unit = Unit(rawValue: unitName)!
        min = try settings.int("min")
        max = try settings.int("max")
        if min == nil && max == nil { throw settings.missing("min", "or 'max' must be given") }
        if let min, let max, min > max { throw settings.error("min", "is larger than max") }
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        let length: Int
        switch unit {
        case .characters: length = scalarCount(doc.text)
        case .bytes: length = doc.text.count
        case .words: length = analysis.words.count
        }
        measured["length_\(unit.rawValue)"] = JSONValue(length)
        if let min, length < min { return .fail("fewer than \(min) \(unit.rawValue)") }
        if let max, length > max { return .fail("more than \(max) \(unit.rawValue)") }
        return .pass
    }
}
