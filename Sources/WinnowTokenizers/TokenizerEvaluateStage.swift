import WinnowCore

/// The `tokenizer-evaluate` stage: encodes the step's input with the tokenizers that earlier
/// `tokenizer-train` steps wrote (or tokenizer files) and writes one table comparing them:
/// bytes per token over the whole input and tokens per word for each `metadata.language` (the
/// fertility measure Rust et al. 2021 and Dagan et al. 2024 use to compare tokenizers across
/// languages). One task; `report.md` and `report.json` in the step's output folder.
public struct TokenizerEvaluateStage: Stage {
    public static let name = "tokenizer-evaluate"

    /// Ids of `tokenizer-train` steps of the same pipeline (their `tokenizer.json`).
    public var steps: [String]
    /// Tokenizer files (tokenizer.json, .model, …), compared after the steps' tokenizers.
    public var files: [String]
    public var byteBudget: Int64?

    public init(settings: SettingsReader) throws {
        steps = try settings.strings("tokenizer_steps") ?? []
        files = try settings.strings("tokenizers") ?? []
        if let missing = files.first(where: { !fileExists($0) }) {
            throw settings.error("tokenizers", "names '\(missing)', which does not exist")
        }
        guard !steps.isEmpty || !files.isEmpty else {
            throw settings.missing("tokenizer_steps", "or 'tokenizers' must name at least one tokenizer to evaluate")
        }
        byteBudget = try settings.int("byte_budget").map(Int64.init)
        try settings.finish()
    }

    public var stepsRead: [String] { steps }
    public func outputShards(inputShards: Int) -> Int? { 0 }

    public func taskCount(phase: Int, inputShards: Int, requested: Int?) -> Int { 1 }

    public func run(_ task: TaskAssignment) throws -> TaskStats {
        let workdir = task.stepDirectory.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let named = steps.map { (name: $0, path: "\(workdir)/\($0)/output/tokenizer.json") } + files.map { (name: $0, path: $0) }
        // Every tokenizer loads first, so a missing one fails before the corpus is read.
        let tokenizers = try named.map { (name: $0.name, tokenizer: try TokenizerFiles.load(path: $0.path)) }
        var corpus = try TextCorpus(inputs: task.inputShards, byteBudget: byteBudget)
        corpus.task = task
        // Read and words counted once, for every tokenizer.
        let loaded = try TokenizerEvaluation.LoadedCorpus(corpus, threads: availableCores)
        let results = try tokenizers.map { named in
            (name: named.name, vocabulary: named.tokenizer.vocabularySize,
             evaluation: try TokenizerEvaluation.run(named.tokenizer, on: loaded, threads: availableCores))
        }
        var stats = loaded.reading
        let markdown = Self.table(results), json = Self.json(results)
        try writeFileAtomically(task.outputDirectory + "/report.md", Array(markdown.utf8))
        try writeFileAtomically(task.outputDirectory + "/report.json", Array(json.utf8))
        stats.bytesOut = Int64(markdown.utf8.count + json.utf8.count)
        stats.made = ["tokenizers": Int64(results.count), "files": 2]
        return stats
    }

    /// Columns: the tokenizers; rows: vocabulary size, bytes per token, then tokens per word for
    /// each language (the languages with the most bytes first).
    static func table(_ results: [(name: String, vocabulary: Int, evaluation: TokenizerEvaluation)]) -> String {
        guard let first = results.first else { return "" }
        let languages = first.evaluation.languages.sorted { $0.value.bytes != $1.value.bytes ? $0.value.bytes > $1.value.bytes : $0.key < $1.key }
            .map(\.key)
        func fixed(_ x: Double) -> String { String((x * 1000).rounded() / 1000) }
        func row(_ label: String, _ cells: [String]) -> String { "| \(label) | " + cells.joined(separator: " | ") + " |\n" }
        var out = row("measure", results.map(\.name))
        out += "|---|" + String(repeating: "---:|", count: results.count) + "\n"
        out += row("vocabulary", results.map { String($0.vocabulary) })
        out += row("bytes/token", results.map { fixed($0.evaluation.total.bytesPerToken) })
        out += row("tokens/word, all", results.map { fixed($0.evaluation.total.tokensPerWord) })
        for language in languages {
            out += row("tokens/word, \(language)", results.map { fixed($0.evaluation.languages[language]?.tokensPerWord ?? 0) })
        }
        return out
    }

    static func json(_ results: [(name: String, vocabulary: Int, evaluation: TokenizerEvaluation)]) -> String {
        JSONWriter.string(.array(results.map { result in
            .object(JSONObject([
                .init(key: "tokenizer", value: .string(result.name)),
                .init(key: "vocabulary", value: JSONValue(result.vocabulary)),
                .init(key: "evaluation", value: result.evaluation.json),
            ]))
        })) + "\n"
    }
}
