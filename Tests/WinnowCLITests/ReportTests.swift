import Foundation
import Testing
import WinnowCore

/// `winnow report`: one self-contained page, rendered by a real browser (headless Chromium,
/// Debian's `chromium`, which `Scripts/test.sh` installs): the screenshot must show charts,
/// and the page's text the run's key numbers; a run that stopped half-way is reported too,
/// with each step's state.
@Suite(.enabled(if: chromium != nil || browserExpected, "needs chromium: Scripts/test.sh installs it"))
struct ReportTests {
    func pipeline(_ dir: String, broken: Bool) -> String {
        """
        name: report-test
        workdir: \(dir)/run
        input: ["\(CLI.repoRoot)/Samples/web/part-0000[01].jsonl.zst"\(broken ? ", \"\(CLI.repoRoot)/Samples/broken/truncated.jsonl.zst\"" : "")]
        steps:
          - id: filter
            stage: filter
            from: input
            rules:
              - rule: language
                model: \(CLI.repoRoot)/Samples/models/lid.176.ftz
                min_score: 0.5
                mode: tag
              - rule: length
                unit: words
                min: 100
          - id: dedup
            stage: dedup
            from: filter
            method: minhash
          - id: tag
            stage: tag
            from: dedup
            domain_rules: \(CLI.repoRoot)/Pipelines/rules/domains.txt
          - id: english
            stage: filter
            from: tag
            rules:
              - rule: language
                model: \(CLI.repoRoot)/Samples/models/lid.176.ftz
                languages: [en]
          - id: mix
            stage: mix
            from: english
            weights: {Technology: 0.7, Education: 0.3}
        """
    }

    /// Renders the page; returns its text as the browser sees it.
    func render(_ page: String, screenshot: String) throws -> String {
        let browser = try #require(chromium)
        let flags = ["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--window-size=1200,2400"]
        let shot = try Process.run(URL(fileURLWithPath: browser), arguments: flags + ["--screenshot=\(screenshot)", "file://\(page)"])
        shot.waitUntilExit()
        let dom = Process()
        dom.executableURL = URL(fileURLWithPath: browser)
        dom.arguments = flags + ["--dump-dom", "file://\(page)"]
        let out = Pipe()
        dom.standardOutput = out
        dom.standardError = FileHandle.nullDevice
        try dom.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        dom.waitUntilExit()
        return text
    }

    @Test func aFinishedRunRendersWithItsKeyNumbers() throws {
        let dir = try CLI.temporaryDirectory("report")
        let path = try CLI.writePipeline(pipeline(dir, broken: false), in: dir)
        #expect(try CLI.run(["run", path]).status == 0)
        let made = try CLI.run(["report", "\(dir)/run"])
        #expect(made.status == 0, "\(made.stderr)")
        let page = "\(dir)/run/report.html"
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org") })

        let text = try render(page, screenshot: "\(dir)/report.png")
        let status = try CLI.json(try CLI.run(["status", "\(dir)/run", "--json"]).stdout)
        let steps = status["steps"] as? [[String: Any]] ?? []
        let filterIn = ((steps.first?["counters"] as? [String: Any])?["docs_in"] as? Int) ?? -1
        let dedupRemoved = ((steps.first { $0["step"] as? String == "dedup#3" }?["counters"] as? [String: Any])?["docs_rejected"] as? Int) ?? -1
        #expect(filterIn == 280 && dedupRemoved > 0)
        for expected in ["Winnow run report", "5 of 5 steps finished", "280", String(dedupRemoved), "language_score (filter)",
                         "Duplicate clusters", "Mix: target and achieved weights", "Technology"] {
            #expect(text.contains(expected), "the rendered page lacks \(expected)")
        }
        let image = try PNGImage(path: "\(dir)/report.png")
        let (ink, colours) = image.inkAndColours
        #expect(image.width == 1200 && ink > 0.02 && colours > 20, "ink \(ink), colours \(colours)")
    }

    /// A truncated input shard fails its filter task; the steps after it never start.
    @Test func aRunThatStoppedHalfWayShowsEachStepsState() throws {
        let dir = try CLI.temporaryDirectory("report-partial")
        let path = try CLI.writePipeline(pipeline(dir, broken: true), in: dir)
        #expect(try CLI.run(["run", path]).status != 0)
        #expect(try CLI.run(["report", "\(dir)/run", "--output", "\(dir)/partial.html"]).status == 0)
        let text = try render("\(dir)/partial.html", screenshot: "\(dir)/partial.png")
        #expect(text.contains("0 of 5 steps finished") && text.contains("a partial run"))
        #expect(text.contains("failed") && text.contains("not started") && text.contains("2/3"))
        #expect(try PNGImage(path: "\(dir)/partial.png").inkAndColours.ink > 0.02)
    }
}

/// Debian's chromium, if installed.
let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
/// `Scripts/test.sh` says the browser is installed; then its absence is a failure, not a skip.
let browserExpected = ProcessInfo.processInfo.environment["WINNOW_BROWSER_TESTS"] == "1"
