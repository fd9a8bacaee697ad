/// What the extractor does with an element, by its tag name.
enum TagKind: UInt8 {
    /// Not text a reader reads (scripts, forms, media): removed with its subtree.
    case drop
    /// Page furniture by definition (`nav`, `aside`, `footer`): removed, unless comments-like
    /// rules say otherwise.
    case furniture
    /// Starts and ends a line.
    case block
    case heading
    case listItem
    case tableRow
    case cell
    case lineBreak
    case preformatted
    case link
    /// Inline or unknown: its text joins the current line.
    case inline

    /// Tag names (ASCII, at most 10 bytes) packed into an integer, looked up without making a
    /// String per element.
    private struct Key: Hashable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        mutating func set(_ byte: UInt8, at i: Int) {
            if i < 8 { low |= UInt64(byte) << (8 * i) } else { high |= UInt64(byte) << (8 * (i - 8)) }
        }
    }

    private static let table: [Key: TagKind] = {
        var t: [Key: TagKind] = [:]
        let groups: [(TagKind, [String])] = [
            (.drop, ["script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "form",
                     "button", "input", "select", "textarea", "option", "head", "video", "audio", "map", "dialog",
                     "math", "picture", "source", "img", "label", "menu"]),
            (.furniture, ["nav", "aside", "footer"]),
            (.block, ["p", "div", "section", "article", "main", "blockquote", "table", "tbody", "thead", "tfoot", "ul",
                      "ol", "dl", "dt", "dd", "figure", "figcaption", "address", "center", "details", "summary", "hr",
                      "body", "html", "header", "caption", "fieldset", "legend"]),
            (.heading, ["h1", "h2", "h3", "h4", "h5", "h6"]),
            (.listItem, ["li"]),
            (.tableRow, ["tr"]),
            (.cell, ["td", "th"]),
            (.lineBreak, ["br"]),
            (.preformatted, ["pre", "listing", "xmp"]),
            (.link, ["a"]),
        ]
        for (kind, names) in groups { for name in names { t[pack(Array(name.utf8))!] = kind } }
        return t
    }()

    static func of(_ name: UnsafePointer<UInt8>?) -> TagKind {
        guard let name else { return .inline }
        var key = Key()
        var i = 0
        while name[i] != 0 {
            if i == 16 { return .inline }
            key.set(BoilerplateNames.lower(name[i]), at: i)
            i += 1
        }
        return table[key] ?? .inline
    }

    private static func pack(_ bytes: [UInt8]) -> Key? {
        guard bytes.count <= 16 else { return nil }
        var key = Key()
        for (i, b) in bytes.enumerated() { key.set(b, at: i) }
        return key
    }
}
