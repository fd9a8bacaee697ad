/// One document: `{"id": …, "text": …, "metadata": {…}}` plus any other top-level fields
/// (Dolma's `source`, `added`, …), which are kept verbatim and written back unchanged.
///
/// A document that no stage edits is written out as the exact bytes it was read from, so a
/// pass-through step costs a copy, not a re-serialisation.
public struct Document: Sendable {
    /// A top-level member, in the order the input had them.
    enum Slot: Sendable {
        case id, text, metadata
        /// Another field: the key's and the value's byte ranges in `original` (key with quotes).
        case other(key: Range<Int>, value: Range<Int>)
    }

    public var id: String { didSet { edited = true } }
    /// The text as UTF-8 bytes (always valid UTF-8).
    public var text: [UInt8] { didSet { edited = true } }
    public var metadata: JSONObject { didSet { edited = true } }

    /// The line this document was read from; empty for documents made in code.
    let original: [UInt8]
    let layout: [Slot]
    /// False while the document is byte-for-byte what was read.
    public private(set) var edited: Bool

    /// A new document (not read from a shard).
    public init(id: String, text: String, metadata: JSONObject = JSONObject()) {
        self.id = id
        self.text = Array(text.utf8)
        self.metadata = metadata
        original = []
        layout = [.id, .text, .metadata]
        edited = true
    }

    init(id: String, text: [UInt8], metadata: JSONObject, original: [UInt8], layout: [Slot], edited: Bool) {
        self.id = id
        self.text = text
        self.metadata = metadata
        self.original = original
        self.layout = layout
        self.edited = edited
    }

    /// The text as a Swift String (a copy; hot loops should use `text`).
    public var textString: String { String(decoding: text, as: UTF8.self) }

    /// The top-level fields other than id, text and metadata, as (key, raw JSON value).
    public var otherFields: [(key: String, json: String)] {
        layout.compactMap { slot in
            guard case let .other(key, value) = slot else { return nil }
            let keyText = String(decoding: original[key], as: UTF8.self)
            return (String(keyText.dropFirst().dropLast()), String(decoding: original[value], as: UTF8.self))
        }
    }
}
