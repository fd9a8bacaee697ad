extension StringProtocol {
    /// Without the leading and trailing characters in `characters` (by default spaces, tabs,
    /// carriage returns and line feeds): the clean-up every line-oriented file format needs.
    public func trimming(_ characters: Set<Character> = [" ", "\t", "\r", "\n"]) -> String {
        guard let first = firstIndex(where: { !characters.contains($0) }),
              let last = lastIndex(where: { !characters.contains($0) }) else { return "" }
        return String(self[first...last])
    }
}
