import WinnowCore

/// Cutting byte ranges out of a document's text, and naming them the way Dolma's attributes
/// and Python readers count: [start, end) in characters (Unicode scalars).
enum TextCuts {
    /// `text` without the byte ranges in `spans` (in order; they may touch or overlap).
    static func removing(_ spans: [Range<Int>], from text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var from = 0
        for span in spans {
            if span.lowerBound > from { out.append(contentsOf: text[from..<span.lowerBound]) }
            from = max(from, span.upperBound)
        }
        if from < text.count { out.append(contentsOf: text[from...]) }
        return out
    }

    /// Byte ranges (in order, not overlapping) as `[[start, end], …]` in characters.
    static func characterSpans(_ spans: [Range<Int>], of text: [UInt8]) -> JSONValue {
        var characters = 0, counted = 0
        return .array(spans.map { span in
            characters += scalarCount(Array(text[counted..<span.lowerBound]))
            let length = scalarCount(Array(text[span]))
            defer {
                characters += length
                counted = span.upperBound
            }
            return .array([JSONValue(characters), JSONValue(characters + length)])
        })
    }
}
