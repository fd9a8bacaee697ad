import WinnowCore

/// One entry of tokenizer.json's `added_tokens`, read once for every model type.
struct AddedTokenEntry {
    /// Its index in the list, for errors.
    let index: Int
    let content: String
    let id: UInt32
    let special: Bool
    /// How it is matched, with HF's defaults: special tokens in the raw text, the others after
    /// normalization.
    let matching: AddedTokenMatching
    /// `normalized` was written true (the Unigram reader refuses only an explicit true).
    let normalizedWritten: Bool

    var path: String { "added_tokens[\(index)]" }
}

extension Reader {
    func addedTokens(_ top: JSONObject) throws -> [AddedTokenEntry] {
        guard let list = top["added_tokens"], list != .null else { return [] }
        guard case let .array(items) = list else { throw fail("added_tokens: not a list") }
        return try items.enumerated().map { k, item in
            guard case let .object(o) = item, let content = string(o, "content") else { throw fail("added_tokens[\(k)]: an entry without content") }
            let special = bool(o, "special", default: false)
            return AddedTokenEntry(index: k, content: content, id: try tokenID(o["id"], path: "added_tokens[\(k)].id"), special: special,
                                   matching: AddedTokenMatching(stripLeft: bool(o, "lstrip", default: false), stripRight: bool(o, "rstrip", default: false),
                                                                singleWord: bool(o, "single_word", default: false),
                                                                normalized: bool(o, "normalized", default: !special)),
                                   normalizedWritten: bool(o, "normalized", default: false))
        }
    }

    /// Throws unless every decoder (the one given, or each of a Sequence) is of the `allowed`
    /// types, naming its path.
    func checkDecoders(_ top: JSONObject, allowed: [String], model: String) throws {
        guard let value = top["decoder"], value != .null else { return }
        var parts = [(path: "decoder", value: value)]
        if case let .object(o) = value, string(o, "type") == "Sequence" {
            parts = (o["decoders"]?.arrayValue ?? []).enumerated().map { ("decoder.decoders[\($0.offset)]", $0.element) }
        }
        for part in parts {
            guard case let .object(o) = part.value, allowed.contains(string(o, "type") ?? "") else {
                throw fail("\(part.path) \(describe(part.value)) is not supported with \(model) (\(allowed.joined(separator: ", ")))")
            }
        }
    }
}
