import WinnowCore

/// The `filter` stage: its rules run in order on each document. A rule in `drop` mode (the
/// default) rejects a failing document at once, and applies a rule's rewrite of the text (C4's
/// line cleaning, normalisation); in `tag` mode it writes what it measured to the metadata,
/// notes a failure in `metadata.flagged_by`, leaves the text alone and lets the document go on.
public struct FilterStage: DocumentStage {
    public static let name = "filter"

    public enum Mode: String, Sendable { case drop, tag }

    public struct ConfiguredRule: Sendable {
        public var rule: any FilterRule
        /// The label in `rejected_by` and the counters (the rule's name unless renamed).
        public var label: String
        public var mode: Mode
    }

    public let rules: [ConfiguredRule]
    public let wordSplitting: DocumentAnalysis.WordSplitting

    public init(rules: [ConfiguredRule], wordSplitting: DocumentAnalysis.WordSplitting = .auto) {
        self.rules = rules
        self.wordSplitting = wordSplitting
    }

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        wordSplitting = DocumentAnalysis.WordSplitting(
            rawValue: try settings.choice("words", DocumentAnalysis.WordSplitting.allCases.map(\.rawValue), default: "auto"))!
        var rules: [ConfiguredRule] = []
        if let list = settings.node("rules") {
            guard case let .sequence(items) = list.value else {
                throw settings.error("rules", "must be a list of rules")
            }
            for item in items {
                let ruleSettings = try SettingsReader(item, owner: "\(settings.owner), rule \(rules.count + 1)")
                guard let name = try ruleSettings.string("rule") else {
                    throw WinnowError.config(path: item.file, line: item.line,
                                             detail: "\(ruleSettings.owner): 'rule' must name the rule")
                }
                guard let type = FilterRules.named(name) else {
                    let known = FilterRules.all.map { $0.name }.joined(separator: ", ")
                    throw ruleSettings.error("rule", "names an unknown rule '\(name)' (known rules: \(known))")
                }
                let label = try ruleSettings.string("name", default: name)
                let mode = Mode(rawValue: try ruleSettings.choice("mode", ["drop", "tag"], default: "drop"))!
                let rule = try type.init(settings: ruleSettings, loaders: loaders)
                try ruleSettings.finish()
                rules.append(ConfiguredRule(rule: rule, label: label, mode: mode))
            }
        }
        self.rules = rules
    }

    public func makeProcessor(_ task: TaskAssignment) throws -> any DocumentProcessor {
        FilterProcessor(rules: rules, wordSplitting: wordSplitting, tools: RuleTools())
    }
}

struct FilterProcessor: DocumentProcessor {
    let rules: [FilterStage.ConfiguredRule]
    let wordSplitting: DocumentAnalysis.WordSplitting
    let tools: RuleTools
    /// Seconds in each rule (by position), including the shared analysis it first asked for.
    var ruleSeconds: [Double]
    /// Sums of the rules' counted measurements (`FilterRule.counters`), by "label: key".
    var counted: [String: Int64] = [:]

    init(rules: [FilterStage.ConfiguredRule], wordSplitting: DocumentAnalysis.WordSplitting, tools: RuleTools) {
        self.rules = rules
        self.wordSplitting = wordSplitting
        self.tools = tools
        ruleSeconds = Array(repeating: 0, count: rules.count)
    }

    mutating func process(_ doc: inout Document) -> Verdict {
        var analysis = DocumentAnalysis(doc, wordSplitting: wordSplitting, tools: tools)
        var clock = monotonicSeconds()
        for (index, configured) in rules.enumerated() {
            defer {
                let now = monotonicSeconds()
                ruleSeconds[index] += now - clock
                clock = now
            }
            var measured = JSONObject()
            let result = configured.rule.check(doc, analysis: analysis, measured: &measured)
            for key in configured.rule.counters {
                if let value = measured[key]?.doubleValue, value > 0 { counted["\(configured.label): \(key)", default: 0] += Int64(value) }
            }
            // Measurements are kept when they explain something: in tag mode always; in drop
            // mode when the rule rejected or rewrote the document.
            if configured.mode == .tag || result != .pass || configured.rule.alwaysRecords {
                for member in measured { doc.metadata[member.key] = member.value }
            }
            if case let .passRewritten(rewrite) = result, configured.mode == .drop {
                doc.text = rewrite.utf8
                analysis = DocumentAnalysis(doc, wordSplitting: wordSplitting, tools: tools, knowing: rewrite)
            }
            guard let failure = result.failure else { continue }
            switch configured.mode {
            case .drop:
                return .reject(rule: configured.label, reason: failure)
            case .tag:
                var flags: [JSONValue] = []
                if case let .array(existing)? = doc.metadata["flagged_by"] { flags = existing }
                flags.append(.string("\(configured.label): \(failure)"))
                doc.metadata["flagged_by"] = .array(flags)
            }
        }
        return .keep
    }

    mutating func finish(_ stats: inout TaskStats) {
        for (configured, seconds) in zip(rules, ruleSeconds) { stats.ruleSeconds[configured.label, default: 0] += seconds }
        stats.made.merge(counted, uniquingKeysWith: +)
    }
}
