import ArgumentParser
import WinnowCore
import WinnowExtract
import WinnowPipeline

/// `winnow extract FILE.html…`: what the `extract` stage makes of a page, to see one page's
/// result without running a pipeline.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the main-content text the extract stage finds in each HTML file.")

    @Argument(help: "HTML files (any charset: read as the WARC reader reads a page).") var files: [String]
    @Option(help: "precision, balanced or recall.") var favor: String = "balanced"
    @Flag(help: "Keep comment sections.") var comments = false
    @Flag(help: "Print each page's title (metadata.title) before its text.") var title = false

    func run() throws {
        guard let favored = ExtractOptions.Favor(rawValue: favor) else {
            throw ValidationError("--favor must be precision, balanced or recall, not '\(favor)'")
        }
        let extractor = HTMLExtractor(options: ExtractOptions(favor: favored, comments: comments))
        var failed = 0
        for (index, path) in files.enumerated() {
            let bytes = try reportingErrors { try readFile(path) }
            let html = CharsetDecoder.decode(bytes[...], declared: nil).text
            var out = files.count > 1 ? (index > 0 ? "\n" : "") + "==> \(path) <==\n" : ""
            switch extractor.extract(html) {
            case let .text(text, pageTitle):
                if title { out += "title: \(pageTitle ?? "")\n" }
                out += text + "\n"
            case let .rejected(reason):
                FileOutput.standardError("winnow: \(path): \(reason)\n")
                failed += 1
            }
            FileOutput.standardOutput(out)
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
