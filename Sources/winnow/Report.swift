import ArgumentParser
import WinnowCore
import WinnowPipeline

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a run's report: one self-contained HTML page (funnel, rejections, score histograms, composition, dedup clusters, mix, tokens, time), also for an unfinished run.")

    @Argument(help: "The run's workdir.")
    var workdir: String

    @Option(help: "Where to write the page (default: WORKDIR/report.html).")
    var output: String?

    func run() throws {
        let path = output ?? "\(workdir)/report.html"
        try reportingErrors {
            let report = try RunReport(workdir: workdir)
            try writeFileAtomically(path, Array(report.html.utf8))
        }
        FileOutput.standardError("winnow: wrote \(path)\n")
    }
}
