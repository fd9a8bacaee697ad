import WinnowCore

/// Reads tokenizer.json's `post_processor`, `truncation` and `padding` into `PostProcessing`,
/// naming the path of anything it refuses.
extension Reader {
    func postProcessing(_ top: JSONObject) throws -> PostProcessing {
        var result = PostProcessing()
        if let value = top["post_processor"], value != .null {
            let (prefix, suffix) = try postProcessor(value, path: "post_processor")
            result.prefix = prefix
            result.suffix = suffix
        }
        if case let .object(o)? = top["truncation"] {
            guard let maxLength = try count(o, "max_length", path: "truncation") else { throw fail("truncation.max_length: missing") }
            let direction = string(o, "direction") ?? "Right"
            guard ["Left", "Right"].contains(direction) else { throw fail("truncation.direction '\(direction)' is not Left or Right") }
            result.truncation = .init(maxLength: maxLength, fromLeft: direction == "Left")
        } else if let value = top["truncation"], value != .null {
            throw fail("truncation: not an object or null")
        }
        if case let .object(o)? = top["padding"] {
            var length: Int?
            switch o["strategy"] {
            case .string("BatchLongest")?, nil: length = nil
            case let .object(fixed)?:
                guard let n = try count(fixed, "Fixed", path: "padding.strategy") else { throw fail("padding.strategy: expected BatchLongest or {\"Fixed\": n}") }
                length = n
            default: throw fail("padding.strategy: expected BatchLongest or {\"Fixed\": n}")
            }
            let direction = string(o, "direction") ?? "Right"
            guard ["Left", "Right"].contains(direction) else { throw fail("padding.direction '\(direction)' is not Left or Right") }
            let id = try count(o, "pad_id", path: "padding") ?? 0
            guard id <= Int(UInt32.max) else { throw fail("padding.pad_id \(id) is not a token id") }
            result.padding = .init(length: length, multiple: try count(o, "pad_to_multiple_of", path: "padding"), id: UInt32(id),
                                   onLeft: direction == "Left")
        } else if let value = top["padding"], value != .null {
            throw fail("padding: not an object or null")
        }
        return result
    }

    /// A non-negative whole number at `o[key]`, nil when absent or null.
    func count(_ o: JSONObject, _ key: String, path: String) throws -> Int? {
        guard let value = o[key], value != .null else { return nil }
        guard let number = value.doubleValue, number >= 0, number < 1e12, let n = Int(exactly: number) else {
            throw fail("\(path).\(key): \(JSONWriter.string(value)) is not a non-negative whole number")
        }
        return n
    }

    /// A token id read from a file: a whole number that fits in UInt32.
    func tokenID(_ value: JSONValue?, path: String) throws -> UInt32 {
        guard let number = value?.doubleValue, number >= 0, number <= Double(UInt32.max), let id = UInt32(exactly: number) else {
            throw fail("\(path): \(value.map { JSONWriter.string($0) } ?? "nothing") is not a token id (0 to \(UInt32.max))")
        }
        return id
    }

    /// The special-token ids one post-processor puts before and after a single text.
    func postProcessor(_ value: JSONValue, path: String) throws -> (prefix: [UInt32], suffix: [UInt32]) {
        guard case let .object(o) = value else { throw fail("\(path): not an object") }
        switch string(o, "type") {
        case "ByteLevel":
            return ([], [])  // adjusts offsets only
        case "RobertaProcessing", "BertProcessing":
            let cls = try pair(o["cls"], path: "\(path).cls"), sep = try pair(o["sep"], path: "\(path).sep")
            return ([cls], [sep])
        case "TemplateProcessing":
            guard case let .array(single)? = o["single"] else { throw fail("\(path).single: not a list") }
            var ids: [String: [UInt32]] = [:]
            if case let .object(specials)? = o["special_tokens"] {
                for member in specials {
                    guard case let .object(token) = member.value, case let .array(list)? = token["ids"] else {
                        throw fail("\(path).special_tokens.\(member.key): no ids list")
                    }
                    ids[member.key] = try list.enumerated().map { try tokenID($0.element, path: "\(path).special_tokens.\(member.key).ids[\($0.offset)]") }
                }
            }
            var prefix: [UInt32] = [], suffix: [UInt32] = [], seenText = false
            for (k, piece) in single.enumerated() {
                let at = "\(path).single[\(k)]"
                guard case let .object(p) = piece else { throw fail("\(at): not an object") }
                if case let .object(sequence)? = p["Sequence"] {
                    guard string(sequence, "id") == "A", !seenText else { throw fail("\(at): a single text has only sequence A, once") }
                    seenText = true
                } else if case let .object(special)? = p["SpecialToken"], let name = string(special, "id") {
                    guard let tokenIDs = ids[name] else { throw fail("\(at): special token '\(name)' is not in \(path).special_tokens") }
                    if seenText { suffix += tokenIDs } else { prefix += tokenIDs }
                } else {
                    throw fail("\(at): neither Sequence nor SpecialToken")
                }
            }
            guard seenText else { throw fail("\(path).single: no Sequence A") }
            return (prefix, suffix)
        case "Sequence":
            guard case let .array(list)? = o["processors"] else { throw fail("\(path).processors: not a list") }
            var prefix: [UInt32] = [], suffix: [UInt32] = []
            // Each processor wraps what the ones before it made.
            for (k, item) in list.enumerated() {
                let (p, s) = try postProcessor(item, path: "\(path).processors[\(k)]")
                prefix = p + prefix
                suffix += s
            }
            return (prefix, suffix)
        default:
            throw fail("\(path) \(describe(value)) is not supported (TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevel, Sequence)")
        }
    }

    /// Roberta's and Bert's `["<s>", 0]`.
    private func pair(_ value: JSONValue?, path: String) throws -> UInt32 {
        guard case let .array(items)? = value, items.count == 2, items[0].stringValue != nil else {
            throw fail("\(path): expected [token, id]")
        }
        return try tokenID(items[1], path: "\(path)[1]")
    }
}
