import Foundation
import WinnowCore

/// `rule: normalize`: Unicode normalisation (NFC or NFKC, through the ICU inside Foundation) and
/// white-space clean-up (trailing spaces removed, runs of spaces and tabs inside a line made one
/// space, more than two line breaks in a row made two). Records whether and how much the text
/// changed; rewrites it in drop mode (it never rejects).
public struct NormalizeRule: FilterRule {
    public static let name = "normalize"

    public enum Form: String, Sendable { case nfc = "NFC", nfkc = "NFKC", none }

    public let form: Form
    public let whitespace: Bool

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        form = Form(rawValue: try settings.choice("form", ["NFC", "NFKC", "none"], default: "NFC"))!
        whitespace = try settings.bool("whitespace", default: true)
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        var text = doc.textString
        switch form {
        case .nfc: text = text.precomposedStringWithCanonicalMapping
        case .nfkc: text = text.precomposedStringWithCompatibilityMapping
        case .none: break
        }
        if whitespace { text = NormalizeRule.cleanWhitespace(text) }
        let bytes = Array(text.utf8)
        measured["normalize_changed"] = .bool(bytes != doc.text)
        measured["normalize_length_delta"] = JSONValue(scalarCount(bytes) - scalarCount(doc.text))
        return bytes == doc.text ? .pass : .passRewritten(RewrittenText(utf8: bytes))
    }

    static func cleanWhitespace(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var out = ""
            var pendingSpace = false
            for character in line {
                if character == " " || character == "\t" {
                    // Indentation is kept as it is; runs after the first word become one space.
                    if out.allSatisfy({ $0 == " " || $0 == "\t" }) { out.append(character) } else { pendingSpace = true }
                } else {
                    if pendingSpace { out.append(" ") }
                    pendingSpace = false
                    out.append(character)
                }
            }
            lines.append(out.allSatisfy({ $0 == " " || $0 == "\t" }) ? "" : out)
        }
        var result: [String] = []
        var blank = 0
        for line in lines {
            blank = line.isEmpty ? blank + 1 : 0
            if blank <= 1 { result.append(line) }
        }
        return result.joined(separator: "\n")
    }
}
