import CLibXML2
import WinnowCore

/// Main-content extraction from one HTML page, in three passes over libxml2's tree:
///
/// 1. Cleaning: scripts, forms and media go; so do `nav`, `aside`, `footer`, a `header`
///    outside an article, and blocks whose class or id names furniture (`BoilerplateNames`).
/// 2. Choosing the main element: among `main`, `article`, `role=main` and blocks named like
///    content (`content`, `post-body`, …) the one with the most text, if it holds a fair share
///    of the page's text; otherwise the whole body.
/// 3. Writing lines as trafilatura's text output does: a line per paragraph, heading and list
///    item (`- item`), table rows as `cell | cell |`; lines that are mostly link text dropped.
///
/// Every walk is a loop, not recursion, so 10,000-deep nesting cannot exhaust the stack, and
/// the walks check the clock, so no page takes longer than `timeLimit`.
public struct HTMLExtractor: Sendable {
    public let options: ExtractOptions
    private let boilerplate: BoilerplateNames

    public init(options: ExtractOptions) {
        self.options = options
        boilerplate = BoilerplateNames(favor: options.favor, comments: options.comments)
    }

    public enum Outcome: Equatable, Sendable {
        case text(String, title: String?)
        /// No text to keep, with the reason (a short fixed phrase).
        case rejected(String)
    }

    struct Timeout: Error {}

    public func extract(_ html: [UInt8]) -> Outcome {
        if options.maxPageBytes > 0, html.count > options.maxPageBytes { return .rejected("page over max_page_bytes") }
        let clock = Clock(limit: options.timeLimit)
        let tree = HTMLTree(html: html)
        guard let root = tree.root else { return .rejected("no HTML elements") }
        do {
            let title = try Self.title(root, clock: clock)
            try clean(root, tree: tree, clock: clock)
            let main = try mainElement(root, clock: clock)
            var writer = LineWriter(maxLinkDensity: options.maxLinkDensity)
            try writer.write(main, clock: clock)
            let text = writer.finish()
            if text.isEmpty { return .rejected("no main content") }
            return .text(text, title: title)
        } catch {
            return .rejected("extraction over time limit")
        }
    }

    /// `<title>`, trimmed, if the page has one.
    static func title(_ root: HTMLTree.Node, clock: Clock) throws -> String? {
        var found: String?
        try walk(root, clock: clock) { node in
            guard found == nil else { return false }
            if HTMLTree.isElement(node), let name = HTMLTree.name(node), HTMLTree.equal(name, "title") {
                var bytes: [UInt8] = []
                var child = node.pointee.children
                while let c = child {
                    if HTMLTree.isText(c) { bytes += HTMLTree.text(c) }
                    child = c.pointee.next
                }
                let text = LineWriter.collapse(bytes)
                found = text.isEmpty ? nil : text
                return false
            }
            return HTMLTree.isElement(node) && !(HTMLTree.name(node).map { HTMLTree.equal($0, "body") } ?? false)
        }
        return found
    }

    /// Removes what is never content (pass 1).
    private func clean(_ root: HTMLTree.Node, tree: HTMLTree, clock: Clock) throws {
        var doomed: [HTMLTree.Node] = []
        var articleDepth: [HTMLTree.Node] = []
        try Self.walk(root, clock: clock) { node in
            guard HTMLTree.isElement(node) else {
                if node.pointee.type == XML_COMMENT_NODE || node.pointee.type == XML_PI_NODE { doomed.append(node) }
                return false
            }
            let name = HTMLTree.name(node)
            let kind = TagKind.of(name)
            switch kind {
            case .drop:
                doomed.append(node); return false
            case .furniture:
                if !(options.comments && isComments(node)) { doomed.append(node); return false }
            default: break
            }
            let protected = name.map { HTMLTree.equal($0, "body") || HTMLTree.equal($0, "html") || HTMLTree.equal($0, "main")
                || HTMLTree.equal($0, "article") } ?? false
            if let name, HTMLTree.equal(name, "article") || HTMLTree.equal(name, "main") { articleDepth.append(node) }
            if let name, HTMLTree.equal(name, "header"), !Self.hasAncestor(node, in: articleDepth) {
                doomed.append(node); return false
            }
            if !protected, isBoilerplate(node) { doomed.append(node); return false }
            if HTMLTree.attribute(node, "hidden") != nil { doomed.append(node); return false }
            return true
        }
        for node in doomed { tree.remove(node) }
    }

    private func isBoilerplate(_ node: HTMLTree.Node) -> Bool {
        if let cls = HTMLTree.attribute(node, "class"), boilerplate.matches(cls) { return true }
        if let id = HTMLTree.attribute(node, "id"), boilerplate.matches(id) { return true }
        if let role = HTMLTree.attribute(node, "role"),
           ["navigation", "banner", "contentinfo", "complementary", "menu", "search"].contains(where: { Self.same(role, $0) }) {
            return true
        }
        return false
    }

    /// Whether a furniture element (an `aside`) is a comment section, which `comments: true` keeps.
    private func isComments(_ node: HTMLTree.Node) -> Bool {
        [HTMLTree.attribute(node, "class"), HTMLTree.attribute(node, "id")].contains { attr in
            attr.map { BoilerplateNames.commentSections.matches($0) } ?? false
        }
    }

    /// Whether an attribute value equals a lower-case ASCII word, ignoring the value's case.
    static func same(_ value: UnsafeBufferPointer<UInt8>, _ word: String) -> Bool {
        value.count == word.utf8.count && zip(value, word.utf8).allSatisfy { BoilerplateNames.lower($0) == $1 }
    }

    static func hasAncestor(_ node: HTMLTree.Node, in nodes: [HTMLTree.Node]) -> Bool {
        var p = node.pointee.parent
        while let q = p {
            if nodes.contains(where: { UnsafeMutableRawPointer($0) == UnsafeMutableRawPointer(q) }) { return true }
            p = q.pointee.parent
        }
        return false
    }

    /// The element holding the main content (pass 2).
    private func mainElement(_ root: HTMLTree.Node, clock: Clock) throws -> HTMLTree.Node {
        var candidates: [HTMLTree.Node] = []
        var body = root
        try Self.walk(root, clock: clock) { node in
            guard HTMLTree.isElement(node) else { return false }
            if let name = HTMLTree.name(node) {
                if HTMLTree.equal(name, "body") { body = node }
                if HTMLTree.equal(name, "main") || HTMLTree.equal(name, "article") { candidates.append(node); return true }
            }
            if let role = HTMLTree.attribute(node, "role"), Self.same(role, "main") { candidates.append(node); return true }
            if let prop = HTMLTree.attribute(node, "itemprop"), Self.same(prop, "articleBody") { candidates.append(node); return true }
            for attr in [HTMLTree.attribute(node, "id"), HTMLTree.attribute(node, "class")] {
                guard let attr else { continue }
                if ContentNames.matches(attr) { candidates.append(node); return true }
            }
            return true
        }
        let total = try Self.textLength(body, clock: clock)
        var best: (node: HTMLTree.Node, length: Int)?
        for candidate in candidates {
            let length = try Self.textLength(candidate, clock: clock)
            if length > (best?.length ?? 0) { best = (candidate, length) }
        }
        // A candidate holding little of the page is a teaser or a widget, not the page's content.
        let share: Double = options.favor == .recall ? 0.5 : 0.25
        guard var (node, length) = best, Double(length) >= share * Double(total) else { return body }
        // A content element is often one part of the content (the first section of a chapter,
        // an article body without its lead): take its parent while the element holds most of
        // the parent's text, so what cleaning left around it (an introduction, sibling
        // sections) comes too.
        while let parent = node.pointee.parent, parent != body, HTMLTree.isElement(parent) {
            let parentLength = try Self.textLength(parent, clock: clock)
            guard Double(parentLength) <= options.climbRatio * Double(length) else { break }
            node = parent
            length = parentLength
        }
        return node
    }

    /// Characters of text under `node` outside links.
    static func textLength(_ node: HTMLTree.Node, clock: Clock) throws -> Int {
        var length = 0
        try walk(node, clock: clock) { n in
            if HTMLTree.isText(n) { length += HTMLTree.text(n).count; return false }
            return HTMLTree.isElement(n) && TagKind.of(HTMLTree.name(n)) != .link
        }
        return length
    }

    /// Visits `root` and its descendants in document order, without recursion; `visit` returns
    /// whether to descend into the node.
    static func walk(_ root: HTMLTree.Node, clock: Clock, _ visit: (HTMLTree.Node) throws -> Bool) throws {
        var node: HTMLTree.Node? = root
        var steps = 0
        while let n = node {
            steps &+= 1
            if steps & 4095 == 0 { try clock.check() }
            if try visit(n), let child = n.pointee.children {
                node = child
                continue
            }
            // Next sibling, or the next sibling of the nearest ancestor that has one.
            var up: HTMLTree.Node? = n
            node = nil
            while let u = up, u != root {
                if let next = u.pointee.next { node = next; break }
                up = u.pointee.parent
            }
        }
    }
}

/// Class and id words that name a page's main content.
enum ContentNames {
    static let exact = ["content", "main", "main-content", "maincontent", "article", "article-body", "articlebody",
                        "post", "post-content", "post-body", "entry", "entry-content", "story", "story-body",
                        "page-content", "body-content", "chapter", "section", "preface", "appendix", "body", "article-content",
                        "article__body", "main-body", "page-body", "content-body", "entry-body", "markdown-body",
                        "mw-content-text", "bodycontent", "blog-post"]

    static func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        // Any of the space-separated tokens equal to one of the words.
        var start = 0
        while start < value.count {
            var end = start
            while end < value.count, value[end] != 0x20 { end += 1 }
            if end > start {
                let token = UnsafeBufferPointer(rebasing: value[start..<end])
                if exact.contains(where: { HTMLExtractor.same(token, $0) }) { return true }
            }
            start = end + 1
        }
        return false
    }
}

/// The wall clock of one page's extraction.
final class Clock {
    private let deadline: Double

    init(limit: Double) {
        deadline = limit > 0 ? monotonicSeconds() + limit : .infinity
    }

    func check() throws {
        if monotonicSeconds() > deadline { throw HTMLExtractor.Timeout() }
    }
}
