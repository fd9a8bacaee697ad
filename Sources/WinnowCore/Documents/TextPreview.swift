extension StringProtocol {
    /// The text on one line (line breaks as spaces), cut to `limit` characters with an
    /// ellipsis: how the inspection commands show a value or a document's start.
    public func preview(_ limit: Int = 80) -> String {
        let flat = split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }
}
