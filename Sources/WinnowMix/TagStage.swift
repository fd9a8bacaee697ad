import WinnowCore

/// The `tag` stage: adds `metadata.meco_prefix` (MeCo's `URL: <host>\n\n`, for the pack stage
/// to prepend without loss) and `metadata.domain`, from URL rules or a fastText classifier.
/// Tags only: every document is kept.
public struct TagStage: DocumentStage {
    public static let name = "tag"

    /// DataMan's 15 application domains (Peng et al. 2025), the default label set.
    public static let dataManDomains = [
        "Medicine", "Finance", "Law", "Education", "Technology", "Entertainment", "Mathematics", "Coding",
        "Government", "Culture", "Transportation", "Retail E-commerce", "Telecommunication", "Agriculture", "Other",
    ]

    public enum DomainSource: Sendable {
        case none
        case rules(DomainRules)
        case classifier(path: String)
    }

    public let meco: MeCoPrefix
    public let prefixField: String
    public let domainSource: DomainSource
    public let domainField: String
    /// The label of documents no rule matches (or without a URL); nil leaves them untagged.
    public let domainDefault: String?
    /// Classifier labels below this probability get `domainDefault` instead.
    public let minProbability: Float
    /// Opens classifier files; given by the registry, as stage modules do not import each other.
    let classifiers: ClassifierLoader

    public init(settings: SettingsReader, classifiers: ClassifierLoader) throws {
        meco = try MeCoPrefix(settings: settings)
        prefixField = try settings.string("prefix_field", default: "meco_prefix")
        domainField = try settings.string("domain_field", default: "domain")
        let labelList = try settings.strings("labels") ?? TagStage.dataManDomains
        let labels: Set<String>? = labelList == ["any"] ? nil : Set(labelList)
        let fallback = try settings.string("domain_default", default: labels?.contains("Other") == true ? "Other" : "none")
        domainDefault = fallback == "none" ? nil : fallback
        if let domainDefault, let labels, !labels.contains(domainDefault) {
            throw settings.error("domain_default", "'\(domainDefault)' is not one of the labels")
        }
        minProbability = Float(try settings.double("min_probability") ?? 0)
        let rules = try settings.existingPath("domain_rules")
        let model = try settings.existingPath("domain_model")
        switch (rules, model) {
        case (nil, nil): domainSource = .none
        case let (path?, nil):
            domainSource = .rules(try DomainRules(path: path, labels: labels))
        case let (nil, path?):
            domainSource = .classifier(path: path)
        default: throw settings.error("domain_rules", "and 'domain_model' cannot both be given")
        }
        self.classifiers = classifiers
        try settings.finish()
    }

    public func makeProcessor(_ task: TaskAssignment) throws -> any DocumentProcessor {
        var classifier: (any TextPredictor)?
        if case let .classifier(path) = domainSource { classifier = try classifiers.load(path).makePredictor() }
        return Tagger(stage: self, classifier: classifier)
    }

    struct Tagger: DocumentProcessor {
        let stage: TagStage
        let classifier: (any TextPredictor)?

        mutating func process(_ doc: inout Document) -> Verdict {
            if let prefix = stage.meco.prefix(for: doc.metadata) { doc.metadata[stage.prefixField] = .string(prefix) }
            var label: String?
            switch stage.domainSource {
            case .none: return .keep
            case let .rules(rules):
                label = doc.metadata.value(atPath: stage.meco.field)?.stringValue.flatMap(rules.label(for:))
            case .classifier:
                if let best = classifier?.bestLabel(of: doc.text), best.probability >= stage.minProbability { label = best.label }
            }
            if let value = label ?? stage.domainDefault { doc.metadata[stage.domainField] = .string(value) }
            return .keep
        }
    }
}
