import WinnowCore
import WinnowText

/// `rule: gopher_repetition`: Gopher's repetition removal (Rae et al. 2021, Table A1) with
/// datatrove's definitions (`GopherRepetitionFilter`): duplicate paragraphs and lines (by count
/// and by characters), the character share of the most frequent 2-, 3- and 4-gram, and of
/// repeated 5- to 10-grams.
public struct GopherRepetitionRule: FilterRule {
    public static let name = "gopher_repetition"

    public var duplicateParagraphRatio = 0.3, duplicateParagraphCharRatio = 0.2
    public var duplicateLineRatio = 0.3, duplicateLineCharRatio = 0.2
    public var topNgrams: [(n: Int, ratio: Double)] = [(2, 0.2), (3, 0.18), (4, 0.16)]
    public var duplicatedNgrams: [(n: Int, ratio: Double)] = [(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)]

    public init() {}

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        duplicateParagraphRatio = try settings.double("dup_para_frac") ?? duplicateParagraphRatio
        duplicateParagraphCharRatio = try settings.double("dup_para_char_frac") ?? duplicateParagraphCharRatio
        duplicateLineRatio = try settings.double("dup_line_frac") ?? duplicateLineRatio
        duplicateLineCharRatio = try settings.double("dup_line_char_frac") ?? duplicateLineCharRatio
        for n in 2...4 {
            if let ratio = try settings.double("top_\(n)_gram_frac") { topNgrams[n - 2].ratio = ratio }
        }
        for n in 5...10 {
            if let ratio = try settings.double("dup_\(n)_gram_frac") { duplicatedNgrams[n - 5].ratio = ratio }
        }
    }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        let text = analysis.text
        guard text.count > 0 else { return .fail("empty") }
        let length = Double(text.count)
        let paragraphs = text.split(onNewlineRunsOf: 2, in: text.stripped(0..<text.count))
        // Sized by each measure as it starts (a table sized for the words up front would be
        // cleared once for nothing, then traded for a small one for the paragraphs).
        var counter = HashCounter()
        let paragraphDuplicates = RepetitionStatistics.duplicates(text, paragraphs, counter: &counter)
        let lines = text.split(onNewlineRunsOf: 1, in: 0..<text.count)
        let lineDuplicates = RepetitionStatistics.duplicates(text, lines, counter: &counter)
        var checks: [(key: String, value: Double, limit: Double, reason: String)] = [
            ("dup_para_frac", Double(paragraphDuplicates.elements) / Double(paragraphs.count), duplicateParagraphRatio, "dup_para_frac"),
            ("dup_para_char_frac", Double(paragraphDuplicates.characters) / length, duplicateParagraphCharRatio, "dup_para_char_frac"),
            ("dup_line_frac", Double(lineDuplicates.elements) / Double(lines.count), duplicateLineRatio, "dup_line_frac"),
            ("dup_line_char_frac", Double(lineDuplicates.characters) / length, duplicateLineCharRatio, "dup_line_char_frac"),
        ]
        let words = analysis.wordHashes
        let lengths = analysis.words.map { $0.count }
        let spaced = WordRunHashes(words, separator: RepetitionStatistics.space)
        // Each n counts only where the (n−1)-grams repeat (see `topNgramCharacters`).
        var previous: (n: Int, repeating: [Int])?
        for (n, ratio) in topNgrams where words.count >= n {
            let positions = previous.flatMap { $0.n == n - 1 ? $0.repeating : nil }
            let (characters, repeating) = RepetitionStatistics.topNgramCharacters(spaced, lengths: lengths, n: n, positions: positions,
                                                                                 counter: &counter)
            previous = (n, repeating)
            checks.append(("top_\(n)_gram_frac", Double(characters) / length, ratio, "top_\(n)_gram"))
        }
        let joined = WordRunHashes(words)
        let candidates = RepeatCandidates.find(text, words: analysis.words, shortest: duplicatedNgrams.map(\.n).min() ?? 0, counter: &counter)
        for (n, ratio) in duplicatedNgrams {
            let characters = RepetitionStatistics.duplicatedNgramCharacters(joined, lengths: lengths, n: n, positions: candidates,
                                                                            counter: &counter)
            checks.append(("dup_\(n)_gram_frac", Double(characters) / length, ratio, "duplicated_\(n)_n_grams"))
        }
        for check in checks { measured["gopher_\(check.key)"] = JSONValue(check.value) }
        if let failed = checks.first(where: { $0.limit > 0 && $0.value > $0.limit }) { return .fail(failed.reason) }
        return .pass
    }
}
