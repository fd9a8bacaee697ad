import WinnowCore
import WinnowText

/// One rule of the `filter` stage: its settings, its measurement and its decision.
///
/// A new rule is one file with a type conforming to this protocol plus one line in
/// `FilterRules.all`.
public protocol FilterRule: Sendable {
    /// The name used in pipeline files (`rule: length`).
    static var name: String { get }
    /// Reads the rule's settings; unknown keys are reported by the caller.
    init(settings: SettingsReader) throws
    /// Measures the document, adds what it measured to `measured`, and returns why the document
    /// fails (a short fixed phrase), or nil if it passes.
    func check(_ doc: Document, context: RuleContext, measured: inout JSONObject) -> String?
}

/// Per-task helpers that rules share and that are costly to make per document.
public final class RuleContext {
    private var segmenter: WordSegmenter?

    public init() {}

    /// ICU word segmentation, made on first use.
    public func words() throws -> WordSegmenter {
        if let segmenter { return segmenter }
        let made = try WordSegmenter()
        segmenter = made
        return made
    }
}

/// The rules the `filter` stage knows.
public enum FilterRules {
    public static let all: [any FilterRule.Type] = [
        LengthRule.self,
        FieldRule.self,
    ]

    public static func named(_ name: String) -> (any FilterRule.Type)? {
        all.first { $0.name == name }
    }
}
