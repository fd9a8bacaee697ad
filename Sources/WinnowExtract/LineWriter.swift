/// Writes the text of an element as lines, the way trafilatura's text output reads: one line
/// per paragraph, heading, list item (`- item`) and table row (`cell | cell |`), white space
/// collapsed, `<pre>` kept as it is. A line that is mostly link text (a menu that escaped
/// cleaning, a "read more" row) is dropped.
struct LineWriter {
    private var out: [UInt8] = []
    private var line: [UInt8] = []
    private var linkBytes = 0
    private var pendingSpace = false
    private let maxLinkDensity: Double

    init(maxLinkDensity: Double) {
        self.maxLinkDensity = maxLinkDensity
    }

    /// Writes `root`'s subtree, without recursion: elements are entered and left through an
    /// explicit stack of what to do when each is left.
    mutating func write(_ root: HTMLTree.Node, clock: Clock) throws {
        var stack: [(node: HTMLTree.Node, kind: TagKind)] = []
        var linkDepth = 0
        var preDepth = 0
        var node: HTMLTree.Node? = root
        var steps = 0
        while let n = node {
            steps &+= 1
            if steps & 4095 == 0 { try clock.check() }
            var descend = false
            if HTMLTree.isText(n) {
                append(HTMLTree.text(n), inLink: linkDepth > 0, preformatted: preDepth > 0)
            } else if HTMLTree.isElement(n) {
                let kind = TagKind.of(HTMLTree.name(n))
                enter(kind)
                if kind == .link { linkDepth += 1 }
                if kind == .preformatted { preDepth += 1 }
                if n.pointee.children != nil {
                    stack.append((n, kind))
                    descend = true
                } else {
                    leave(kind)
                    if kind == .link { linkDepth -= 1 }
                    if kind == .preformatted { preDepth -= 1 }
                }
            }
            if descend, let child = n.pointee.children { node = child; continue }
            // Leave elements until one has a next sibling.
            var current: HTMLTree.Node? = n
            node = nil
            while let c = current, c != root {
                if let next = c.pointee.next { node = next; break }
                guard let (parent, kind) = stack.popLast() else { break }
                leave(kind)
                if kind == .link { linkDepth -= 1 }
                if kind == .preformatted { preDepth -= 1 }
                if parent == root { break }
                current = parent
            }
        }
        while let (_, kind) = stack.popLast() { leave(kind) }
        endLine()
    }

    private mutating func enter(_ kind: TagKind) {
        switch kind {
        case .block, .heading, .tableRow, .preformatted: endLine()
        case .listItem:
            endLine()
            line += [0x2D, 0x20]
        case .lineBreak: endLine()
        default: break
        }
    }

    private mutating func leave(_ kind: TagKind) {
        switch kind {
        case .block, .heading, .listItem, .tableRow, .preformatted: endLine()
        case .cell:
            trimTrailingSpace()
            line += [0x20, 0x7C]
            pendingSpace = true
        default: break
        }
    }

    private mutating func append(_ text: UnsafeBufferPointer<UInt8>, inLink: Bool, preformatted: Bool) {
        for b in text {
            if preformatted {
                if b == 0x0A { endLine(keepEmpty: false); continue }
                if b == 0x0D { continue }
                line.append(b)
                if inLink { linkBytes += 1 }
                continue
            }
            if Self.isSpace(b) {
                pendingSpace = true
                continue
            }
            if pendingSpace, !line.isEmpty, line.last != 0x20 { line.append(0x20) }
            pendingSpace = false
            line.append(b)
            if inLink { linkBytes += 1 }
        }
    }

    private mutating func trimTrailingSpace() {
        while line.last == 0x20 { line.removeLast() }
    }

    /// Ends the current line: kept unless it is empty, only a list marker, or mostly links.
    private mutating func endLine(keepEmpty: Bool = false) {
        trimTrailingSpace()
        pendingSpace = false
        defer { line.removeAll(keepingCapacity: true); linkBytes = 0 }
        let content = line.starts(with: [0x2D, 0x20]) ? line.count - 2 : line.count
        guard content > 0 else { return }
        if !line.contains(where: { !Self.isSpace($0) && $0 != 0x7C && $0 != 0x2D }) { return }
        if Double(linkBytes) > maxLinkDensity * Double(content) { return }
        if !out.isEmpty { out.append(0x0A) }
        out += line
    }

    mutating func finish() -> String {
        endLine()
        return String(decoding: out, as: UTF8.self)
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C }

    /// Text with runs of white space made one space, trimmed.
    static func collapse(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var space = false
        for b in bytes {
            if isSpace(b) { space = !out.isEmpty; continue }
            if space { out.append(0x20); space = false }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
