import WinnowCore

/// The `extract` stage: the HTML text of each document (a WARC response, as the WARC reader
/// gives it) becomes its main-content text, boilerplate removed; `metadata.title` keeps the
/// page's title. A page with no main content is rejected with the reason.
public struct ExtractStage: DocumentStage {
    public static let name = "extract"

    public let options: ExtractOptions

    public init(settings: SettingsReader) throws {
        let favor = try settings.choice("favor", ExtractOptions.Favor.allCases.map(\.rawValue), default: "balanced")
        var options = ExtractOptions(favor: ExtractOptions.Favor(rawValue: favor) ?? .balanced,
                                     comments: try settings.bool("comments", default: false))
        if let text = try settings.string("max_page_bytes") {
            guard let bytes = ByteSize.parse(text) else { throw settings.error("max_page_bytes", "'\(text)' is not a size (such as 20MB)") }
            options.maxPageBytes = bytes
        }
        if let seconds = try settings.double("time_limit") {
            guard seconds >= 0 else { throw settings.error("time_limit", "must be seconds, 0 or more") }
            options.timeLimit = seconds
        }
        self.options = options
        try settings.finish()
    }

    public func makeProcessor(_ task: TaskAssignment) throws -> any DocumentProcessor {
        Extractor(extractor: HTMLExtractor(options: options))
    }

    struct Extractor: DocumentProcessor {
        let extractor: HTMLExtractor

        mutating func process(_ doc: inout Document) -> Verdict {
            switch extractor.extract(doc.text) {
            case let .text(text, title):
                doc.text = Array(text.utf8)
                if let title { doc.metadata["title"] = .string(title) }
                return .keep
            case let .rejected(reason):
                return .reject(rule: "extract", reason: reason)
            }
        }
    }
}
