import Testing
import WinnowCore
@testable import WinnowExtract

@Suite struct HTMLExtractorTests {
    let page = """
        <html><head><title> A page | Site </title></head><body>
        <header><a href="/">Home</a> <a href="/news">News</a></header>
        <nav><ul><li><a href="/a">Section A</a></li></ul></nav>
        <div class="cookie-banner">We use cookies. Accept?</div>
        <article><h1>The heading</h1>
        <p>First paragraph of the article, long enough to be the content of the page.</p>
        <ul><li>item one</li><li>item two</li></ul>
        <table><tr><td>a</td><td>b</td></tr></table>
        <p>Second   paragraph,
        with a <a href="/x">link</a> inside.</p>
        <div class="share-bar"><a href="/tw">Tweet</a></div>
        <section class="comments"><p>A reader's comment on the article text.</p></section>
        </article>
        <footer>Copyright 2026</footer></body></html>
        """

    func extract(_ html: String, _ options: ExtractOptions = ExtractOptions()) -> HTMLExtractor.Outcome {
        HTMLExtractor(options: options).extract(Array(html.utf8))
    }

    @Test func keepsContentLinesAndDropsFurniture() {
        let outcome = extract(page)
        #expect(outcome == .text("""
            The heading
            First paragraph of the article, long enough to be the content of the page.
            - item one
            - item two
            a | b |
            Second paragraph, with a link inside.
            """, title: "A page | Site"))
    }

    @Test func commentsKeptOnlyWhenAsked() {
        guard case let .text(text, _) = extract(page, ExtractOptions(comments: true)) else { Issue.record("rejected"); return }
        #expect(text.contains("A reader's comment"))
    }

    @Test func pageWithoutContentIsRejected() {
        #expect(extract("<html><body><nav><a href=/>Home</a></nav><script>x()</script></body></html>") == .rejected("no main content"))
        #expect(extract("") == .rejected("no HTML elements"))
    }

    @Test func linkListsAreDropped() {
        let html = "<body><p>Real text of the page that a reader would read here.</p><p><a href=1>one</a> <a href=2>two</a></p></body>"
        #expect(extract(html) == .text("Real text of the page that a reader would read here.", title: nil))
    }

    @Test func hostileInputsNeitherCrashNorHang() {
        let deep = String(repeating: "<div>", count: 10_000) + "deep text" + String(repeating: "</div>", count: 10_000)
        if case .rejected = extract(deep) { Issue.record("deep nesting lost its text") }
        let nul = "<body><p>before\u{0}after</p></body>"
        #expect(extract(nul) == .text("before after", title: nil))
        let huge = Array("<p>".utf8) + [UInt8](repeating: 0x61, count: 25_000_000)
        #expect(HTMLExtractor(options: ExtractOptions()).extract(huge) == .rejected("page over max_page_bytes"))
        let unclosed = "<body><p>one<p>two<div><span>three<table><tr><td>four"
        guard case let .text(text, _) = extract(unclosed) else { Issue.record("rejected"); return }
        #expect(text.contains("one") && text.contains("four"))
    }

    /// Mutated real pages (the sample WARC's): bytes overwritten, cut short, tags inserted
    /// unclosed, NUL bytes. Every page gives an outcome; none traps.
    @Test func mutatedPagesAlwaysGiveAnOutcome() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let reader = try ShardReader(path: parts.joined(separator: "/") + "/Samples/warc/small.warc")
        var pages: [[UInt8]] = []
        while let record = try reader.next() { if case let .document(doc, _) = record { pages.append(doc.text) } }
        #expect(pages.count == 3)
        var rng = SplitMix64(seed: 3)
        let extractor = HTMLExtractor(options: ExtractOptions(favor: .precision))
        var extracted = 0
        for round in 0..<150 {
            var page = pages[round % pages.count]
            let at = Int(rng.next() % UInt64(page.count))
            switch round % 5 {
            case 0: for _ in 0..<20 { page[Int(rng.next() % UInt64(page.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            case 1: page.removeLast(page.count - at)
            case 2: page.insert(contentsOf: Array(String(repeating: "<div><p><table><tr><td>", count: 300).utf8), at: at)
            case 3: for _ in 0..<50 { page[Int(rng.next() % UInt64(page.count))] = 0 }
            default: page.insert(contentsOf: Array("<!--<script>".utf8), at: at)
            }
            let valid = String(decoding: page, as: UTF8.self)
            if case .text = extractor.extract(Array(valid.utf8)) { extracted += 1 }
        }
        #expect(extracted > 100, "most mutated pages still have their text")
    }
}
