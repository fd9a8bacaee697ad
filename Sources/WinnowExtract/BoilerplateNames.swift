/// The class and id words that mark page furniture: a block whose `class` or `id` contains one
/// is removed before the main content is looked for. Which lists apply depends on `favor`.
struct BoilerplateNames: Sendable {
    let words: [[UInt8]]

    /// Navigation, page chrome, consent and share bars, ads: boilerplate at every setting.
    static let always = ["nav", "menu", "breadcrumb", "sidebar", "footer", "cookie", "consent", "share", "social",
                         "banner", "advert", "sponsor", "popup", "modal", "newsletter", "subscribe", "related",
                         "skip-link", "toolbar", "pagination", "pager", "docnav", "masthead"]
    /// Comment sections, kept when `comments: true`.
    static let comments = ["comment", "disqus", "respond", "reply"]
    /// Blocks that are often furniture but sometimes content: removed when favouring precision.
    static let precise = ["header", "byline", "author", "tags", "widget", "promo", "login", "signup", "print",
                          "toc", "meta", "caption", "credit", "rating", "hidden"]

    /// Only the comment-section words.
    static let commentSections = BoilerplateNames(words: comments)

    init(words: [String]) {
        self.words = words.map { Array($0.utf8) }
    }

    init(favor: ExtractOptions.Favor, comments: Bool) {
        var list = Self.always
        if !comments { list += Self.comments }
        if favor == .precision { list += Self.precise }
        if favor == .recall { list.removeAll { ["related", "masthead", "subscribe", "newsletter"].contains($0) } }
        words = list.map { Array($0.utf8) }
    }

    /// An ASCII letter in lower case; any other byte as it is.
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Whether `value` (a class or id attribute) contains one of the words, ignoring case.
    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = value.count
        guard n > 0 else { return false }
        for word in words where word.count <= n {
            let first = word[0]
            var i = 0
            while i + word.count <= n {
                if Self.lower(value[i]) == first {
                    var k = 1
                    while k < word.count, Self.lower(value[i + k]) == word[k] { k += 1 }
                    if k == word.count { return true }
                }
                i += 1
            }
        }
        return false
    }
}
