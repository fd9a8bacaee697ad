import WinnowCore

/// `rule: length`: bounds on the text's length in characters (Unicode scalars, as Python's
/// `len`), UTF-8 bytes, or words (ICU word boundaries, so every script counts right).
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

    public init(settings: SettingsReader) throws {
        let unitName = try settings.choice("unit", Unit.allCases.map(\.rawValue), default: Unit.characters.rawValue)
        unit = Unit(rawValue: unitName)!
        min = try settings.int("min")
        max = try settings.int("max")
        if min == nil && max == nil { throw settings.error("min", "or 'max' must be given") }
        if let min, let max, min > max { throw settings.error("min", "is larger than max") }
    }

    public func check(_ doc: Document, context: RuleContext, measured: inout JSONObject) -> String? {
        let length: Int
        switch unit {
        case .characters: length = scalarCount(doc.text)
        case .bytes: length = doc.text.count
        case .words:
            guard let segmenter = try? context.words() else { return "word segmentation unavailable" }
            length = segmenter.wordCount(doc.text)
        }
        measured["length_\(unit.rawValue)"] = JSONValue(length)
        if let min, length < min { return "fewer than \(min) \(unit.rawValue)" }
        if let max, length > max { return "more than \(max) \(unit.rawValue)" }
        return nil
    }
}
