import WinnowCore
import WinnowText

/// `rule: fineweb`: FineWeb's own quality filters (Penedo et al. 2024) with datatrove's
/// definitions (`FineWebQualityFilter`): the share of lines ending in terminal punctuation, of
/// short lines, of characters in duplicated lines, and newlines per word.
public struct FineWebRule: FilterRule {
    public static let name = "fineweb"

    public var minLinePunctuationRatio = 0.12
    public var excludeZeroPunctuation = false
    public var maxShortLineRatio = 0.67
    public var shortLineLength = 30
    public var maxDuplicateCharRatio = 0.01
    public var maxNewlineRatio = 0.3

    public init() {}

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        minLinePunctuationRatio = try settings.double("line_punct_thr") ?? minLinePunctuationRatio
        excludeZeroPunctuation = try settings.bool("line_punct_exclude_zero", default: false)
        maxShortLineRatio = try settings.double("short_line_thr") ?? maxShortLineRatio
        shortLineLength = try settings.int("short_line_length", default: shortLineLength)
        maxDuplicateCharRatio = try settings.double("char_duplicates_ratio") ?? maxDuplicateCharRatio
        maxNewlineRatio = try settings.double("new_line_ratio") ?? maxNewlineRatio
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        let text = analysis.text
        let lines = text.split(on: "\n").filter { !text.stripped($0).isEmpty }
        guard !lines.isEmpty else { return .fail("empty") }
        let punctuated = lines.filter { $0.count > 0 && CharacterClasses.terminalPunctuation.contains(text.scalars[$0.upperBound - 1]) }.count
        let punctuationRatio = Double(punctuated) / Double(lines.count)
        let shortRatio = Double(lines.filter { $0.count <= shortLineLength }.count) / Double(lines.count)
        let newlines = text.scalars.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        let duplicateRatio = Double(RepetitionStatistics.duplicates(text, lines).characters) / Double(text.count - newlines)
        let words = analysis.words.count
        let newlineRatio = words > 0 ? Double(newlines) / Double(words) : .infinity
        measured["fineweb_line_punct_ratio"] = JSONValue(punctuationRatio)
        measured["fineweb_short_line_ratio"] = JSONValue(shortRatio)
        measured["fineweb_char_dup_ratio"] = JSONValue(duplicateRatio)
        measured["fineweb_new_line_ratio"] = newlineRatio.isFinite ? JSONValue(newlineRatio) : .null
        if punctuationRatio < minLinePunctuationRatio && !(punctuationRatio == 0 && excludeZeroPunctuation) {
            return .fail("line_punct_ratio")
        }
        if shortRatio > maxShortLineRatio { return .fail("short_line_ratio") }
        if duplicateRatio > maxDuplicateCharRatio { return .fail("char_dup_ratio") }
        if newlineRatio > maxNewlineRatio { return .fail("list_ratio") }
        return .pass
    }
}
