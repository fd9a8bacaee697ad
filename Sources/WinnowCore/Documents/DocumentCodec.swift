/// What a line of a JSONL shard turned out to be.
public enum ParsedLine: Sendable {
    case document(Document)
    /// The line holds only white space; it is skipped and counted, not a document.
    case blank
    /// The line is not a document: `reason` says why (a short, fixed phrase, so reasons can be
    /// counted) and `offset` where in the line.
    case invalid(reason: String, offset: Int)
}

/// Reads documents from JSONL lines and writes them back.
public enum DocumentCodec {
    private static let idKey = Array("id".utf8)
    private static let textKey = Array("text".utf8)
    private static let metadataKey = Array("metadata".utf8)

    /// Parses one line. `fallbackID` names a document that has no `id` (datatrove's convention
    /// is `path/line-index`).
    public static func parse(line: UnsafeRawBufferPointer, fallbackID: () -> String) -> ParsedLine {
        if let bad = UTF8Validation.firstInvalidOffset(line) {
            return .invalid(reason: "invalid UTF-8", offset: bad)
        }
        var scanner = JSONScanner(line)
        scanner.skipWhitespace()
        if scanner.atEnd { return .blank }
        do {
            return .document(try parseObject(&scanner, line: line, fallbackID: fallbackID))
        } catch let error as JSONSyntaxError {
            return .invalid(reason: error.message, offset: error.offset)
        } catch {
            return .invalid(reason: "\(error)", offset: 0)
        }
    }

    private static func parseObject(_ s: inout JSONScanner, line: UnsafeRawBufferPointer,
                                    fallbackID: () -> String) throws -> Document {
        guard s.peek == 0x7B else { throw s.fail("not a JSON object") }
        s.pos += 1
        var id: String?
        var text: [UInt8]?
        var metadata = JSONObject()
        var sawMetadata = false
        var layout: [Document.Slot] = []
        s.skipWhitespace()
        if s.peek == 0x7D {
            s.pos += 1
        } else {
            while true {
                s.skipWhitespace()
                let keyStart = s.pos
                let (keyRange, keyEscaped) = try s.scanString()
                let key = keyEscaped ? Array(try s.decodeString(keyRange, escaped: true).utf8) : nil
                let keyEnd = s.pos
                try s.expect(0x3A, "':'")
                s.skipWhitespace()
                let valueStart = s.pos
                func isKey(_ name: [UInt8]) -> Bool {
                    if let key { return key == name }
                    return keyRange.count == name.count && memcmp(s.base + keyRange.lowerBound, name, name.count) == 0
                }
                if isKey(textKey) {
                    guard text == nil else { throw s.fail("duplicate key \"text\"", at: keyStart) }
                    guard s.peek == 0x22 else { throw s.fail("\"text\" is not a string", at: valueStart) }
                    let (range, escaped) = try s.scanString()
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(range.count)
                    try s.decodeString(range, escaped: escaped, into: &bytes)
                    text = bytes
                    layout.append(.text)
                } else if isKey(idKey) {
                    guard id == nil else { throw s.fail("duplicate key \"id\"", at: keyStart) }
                    switch s.peek {
                    case 0x22:
                        let (range, escaped) = try s.scanString()
                        id = try s.decodeString(range, escaped: escaped)
                    case 0x6E where s.consumeLiteral("null"):
                        id = fallbackID()
                    default:
                        let range = try s.scanNumber()
                        id = String(decoding: UnsafeRawBufferPointer(rebasing: line[range]), as: UTF8.self)
                    }
                    layout.append(.id)
                } else if isKey(metadataKey) {
                    guard !sawMetadata else { throw s.fail("duplicate key \"metadata\"", at: keyStart) }
                    sawMetadata = true
                    if !s.consumeLiteral("null") {
                        guard s.peek == 0x7B else { throw s.fail("\"metadata\" is not an object", at: valueStart) }
                        metadata = try s.parseObject()
                    }
                    layout.append(.metadata)
                } else {
                    try s.skipValue()
                    layout.append(.other(key: keyStart..<keyEnd, value: valueStart..<s.pos))
                }
                s.skipWhitespace()
                guard !s.atEnd else { throw s.fail("unexpected end of line inside the object") }
                if s.peek == 0x2C { s.pos += 1; continue }
                if s.peek == 0x7D { s.pos += 1; break }
                throw s.fail("expected ',' or '}'")
            }
        }
        s.skipWhitespace()
        guard s.atEnd else { throw s.fail("unexpected bytes after the object") }
        guard let text else { throw s.fail("no \"text\" field", at: 0) }
        // A document without an id is given one, and must then be written with it.
        let hasID = id != nil
        return Document(id: id ?? fallbackID(), text: text, metadata: metadata,
                        original: Array(line), layout: layout, edited: !hasID)
    }

    /// Appends the document as one JSON line, without the newline.
    public static func encode(_ doc: Document, into out: inout [UInt8]) {
        if !doc.edited {
            out.append(contentsOf: doc.original)
            return
        }
        out.append(0x7B)
        var first = true
        func separator() {
            if !first { out.append(0x2C) }
            first = false
        }
        func writeMember(_ name: StaticString, _ write: () -> Void) {
            separator()
            out.append(0x22)
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [0x22, 0x3A])
            write()
        }
        let hasSlot = { (wanted: Document.Slot) in
            doc.layout.contains { slot in
                switch (slot, wanted) {
                case (.id, .id), (.text, .text), (.metadata, .metadata): return true
                default: return false
                }
            }
        }
        let metadataWanted = !doc.metadata.isEmpty || hasSlot(.metadata)
        func writeStandard(_ slot: Document.Slot) {
            switch slot {
            case .id:
                writeMember("id") { JSONWriter.appendString(doc.id, to: &out) }
            case .text:
                writeMember("text") { JSONWriter.appendString(doc.text, to: &out) }
            case .metadata:
                if metadataWanted { writeMember("metadata") { JSONWriter.append(doc.metadata, to: &out) } }
            case let .other(key, value):
                separator()
                out.append(contentsOf: doc.original[key])
                out.append(0x3A)
                out.append(contentsOf: doc.original[value])
            }
        }
        // A document given an id by the reader gets it first, where readers look for it.
        if !hasSlot(.id) { writeStandard(.id) }
        for slot in doc.layout { writeStandard(slot) }
        if !hasSlot(.text) { writeStandard(.text) }
        if !hasSlot(.metadata) { writeStandard(.metadata) }
        out.append(0x7D)
    }
}
