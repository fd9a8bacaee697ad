import WinnowCore

/// HF tokenizers' `tokenizer.json` for byte-level BPE (GPT-2, Llama 3, Qwen 2, and what we
/// train): read, and written so that `Tokenizer.from_file` and transformers'
/// `PreTrainedTokenizerFast` load it and encode as we do. Every component we do not implement
/// is an error that names it; none is skipped silently.
public enum TokenizerJSON {
    public static func read(path: String) throws -> any LoadedTokenizer {
        try read(bytes: readFile(path), path: path)
    }

    /// `bytes` of a tokenizer.json; `path` names it in errors.
    static func read(bytes: [UInt8], path: String) throws -> any LoadedTokenizer {
        try Reader(path: path).tokenizer(try parse(bytes, path: path))
    }

    /// The JSON of `bytes`, or an error naming `path` and the byte offset.
    static func parse(_ bytes: [UInt8], path: String) throws -> JSONValue {
        do {
            return try bytes.withUnsafeBytes { try JSONValue.parse($0) }
        } catch let error as JSONSyntaxError {
            throw WinnowError.config(path: path, line: nil, detail: "not JSON: \(error.message) at byte offset \(error.offset)")
        }
    }

    /// The tokenizer.json text of a byte-level BPE tokenizer.
    public static func write(_ tokenizer: BPETokenizer) -> [UInt8] {
        let vocabulary = tokenizer.vocabulary
        var out: [UInt8] = []
        func line(_ text: String) { out += Array(text.utf8); out.append(0x0A) }
        line("{")
        line(#"  "version": "1.0","#)
        line(#"  "truncation": null,"#)
        line(#"  "padding": null,"#)
        line(#"  "added_tokens": ["#)
        for (k, special) in vocabulary.specials.enumerated() {
            out += Array(#"    {"id": \#(special.id), "content": "#.utf8)
            JSONWriter.appendString(special.content, to: &out)
            line(#", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}\#(k + 1 < vocabulary.specials.count ? "," : "")"#)
        }
        line("  ],")
        line("  \"normalizer\": \(tokenizer.normalizer.json),")
        if tokenizer.split == .native(.gpt2) {
            line(#"  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": \#(tokenizer.prefixSpace), "trim_offsets": true, "use_regex": true},"#)
        } else if case let .sequence(steps) = tokenizer.split {
            line(#"  "pre_tokenizer": {"type": "Sequence", "pretokenizers": ["# + steps.map(\.json).joined(separator: ", ")
                + #", {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]},"#)
        } else {
            out += Array(#"  "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "#.utf8)
            JSONWriter.appendString(tokenizer.split.regex, to: &out)
            out += Array(#"}, "behavior": "Isolated", "invert": false}, "#.utf8)
            if case let .digits(_, individual) = tokenizer.split {
                out += Array(#"{"type": "Digits", "individual_digits": \#(individual)}, "#.utf8)
            }
            line(#"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]},"#)
        }
        line(#"  "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},"#)
        line(#"  "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},"#)
        line(#"  "model": {"#)
        line(#"    "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null, "end_of_word_suffix": null,"#)
        line(#"    "fuse_unk": false, "byte_fallback": false, "ignore_merges": \#(tokenizer.ignoreMerges),"#)
        line(#"    "vocab": {"#)
        for id in 0..<vocabulary.count {
            out += Array("      ".utf8)
            JSONWriter.appendString(vocabulary.vocabString(UInt32(id)), to: &out)
            line(": \(id)\(id + 1 < vocabulary.count ? "," : "")")
        }
        line("    },")
        line(#"    "merges": ["#)
        for (k, merge) in vocabulary.merges.enumerated() {
            out += Array("      [".utf8)
            JSONWriter.appendString(vocabulary.vocabString(merge.left), to: &out)
            out += Array(", ".utf8)
            JSONWriter.appendString(vocabulary.vocabString(merge.right), to: &out)
            line("]\(k + 1 < vocabulary.merges.count ? "," : "")")
        }
        line("    ]")
        line("  }")
        line("}")
        return out
    }

    /// transformers' `tokenizer_config.json`, so `AutoTokenizer.from_pretrained(folder)` resolves
    /// the special tokens (tokenizers.md §6.7): the end-of-text token as `eos_token`, the first
    /// special token as `bos_token` (or the one named), and the unknown piece if there is one.
    public static func writeConfig(_ tokenizer: any Tokenizer, specials: [(content: String, id: UInt32)], begin: String? = nil,
                                   unknown: String? = nil, modelMaxLength: Int = 1 << 20) -> [UInt8] {
        var object = JSONObject([.init(key: "tokenizer_class", value: .string("PreTrainedTokenizerFast"))])
        if let eos = tokenizer.endOfTextID, let content = specials.first(where: { $0.id == eos })?.content {
            object["eos_token"] = .string(content)
            object["bos_token"] = .string(begin ?? specials.first?.content ?? content)
        }
        if let unknown { object["unk_token"] = .string(unknown) }
        object["model_max_length"] = JSONValue(modelMaxLength)
        return Array((JSONWriter.string(.object(object)) + "\n").utf8)
    }
}

/// Reads one tokenizer.json, naming the file and the component in every error.
struct Reader {
    let path: String

    func fail(_ detail: String) -> WinnowError { .config(path: path, line: nil, detail: detail) }

    func tokenizer(_ root: JSONValue) throws -> any LoadedTokenizer {
        guard case let .object(top) = root else { throw fail("the top level is not a JSON object") }
        if let version = top["version"]?.stringValue, version != "1.0" {
            throw fail("unknown tokenizer.json version '\(version)' (expected 1.0)")
        }
        if top["model"] == nil, top["config"] != nil, case .array? = top["vocab"] { return try TekkenFile.read(top, self) }
        let processing = try postProcessing(top)
        let model = try modelTokenizer(top)
        return processing.isIdentity ? model : PostProcessedTokenizer(base: model, postProcessing: processing)
    }

    /// The tokenizer up to the model's ids (normalizer, pre-tokenizer, model, added tokens).
    func modelTokenizer(_ top: JSONObject) throws -> any LoadedTokenizer {
        guard case let .object(model)? = top["model"] else { throw fail("no model object") }
        switch string(model, "type") {
        case "Unigram": return try SentencePieceJSON.read(top, model: model, self)
        case "BPE", nil: break
        case let other?: throw fail("model.type '\(other)' is not supported (BPE, Unigram)")
        }
        let normalizer = top["normalizer"] ?? .null, preTokenizer = top["pre_tokenizer"] ?? .null
        // sentencepiece-style BPE: byte fallback, Metaspace, or Llama 2's normalizer with no pre-tokenizer.
        if bool(model, "byte_fallback", default: false) || isMetaspace(preTokenizer) || (normalizer != .null && preTokenizer == .null) {
            try checkDecoders(top, allowed: ["Replace", "ByteFallback", "Fuse", "Strip", "Metaspace"], model: "a sentencepiece-style BPE")
            return try metaspace(model: model, normalizer: normalizer, preTokenizer: preTokenizer, added: try addedTokens(top))
        }
        let (split, prefixSpace) = try self.preTokenizer(preTokenizer)
        let steps = try textNormalizer(normalizer, path: "normalizer")
        try checkDecoders(top, allowed: ["ByteLevel"], model: "a byte-level BPE")
        let added = try addedTokens(top)
        let (vocabulary, ignoreMerges) = try bpe(model, added: added, byteLevel: true, flags: true)
        var matching: [UInt32: AddedTokenMatching] = [:]
        for token in added {
            guard let id = vocabulary.specials.first(where: { $0.content == token.content })?.id else { continue }
            if token.matching != AddedTokenMatching() { matching[id] = token.matching }
        }
        do {
            return try BPETokenizer(vocabulary: vocabulary, split: split, ignoreMerges: ignoreMerges, normalizer: TextNormalizer(steps),
                                    prefixSpace: prefixSpace, matching: matching)
        } catch let error as WinnowError {
            throw fail("pre_tokenizer Split: \(error)")
        }
    }

    /// The steps of a normalizer of the kinds `TextNormalizer` runs; anything else is refused
    /// with its path in the file.
    func textNormalizer(_ value: JSONValue, path: String) throws -> [TextNormalizer.Step] {
        guard value != .null else { return [] }
        guard case let .object(o) = value else { throw fail("\(path): not an object") }
        switch string(o, "type") {
        case "Sequence":
            return try (o["normalizers"]?.arrayValue ?? []).enumerated().flatMap { try textNormalizer($0.element, path: "\(path).normalizers[\($0.offset)]") }
        case "NFC": return [.nfc]
        case "NFD": return [.nfd]
        case "NFKC": return [.nfkc]
        case "NFKD": return [.nfkd]
        case "Lowercase": return [.lowercase]
        case "StripAccents": return [.stripAccents]
        case "Strip": return [.strip(left: bool(o, "strip_left", default: true), right: bool(o, "strip_right", default: true))]
        case "Prepend":
            guard let prefix = string(o, "prepend") else { throw fail("\(path) Prepend: no prepend string") }
            return [.prepend(prefix)]
        case "Replace":
            guard case let .object(pattern)? = o["pattern"], let literal = string(pattern, "String"), let content = string(o, "content") else {
                throw fail("\(path) Replace: only a String pattern is supported with a byte-level BPE, found \(JSONWriter.string(o["pattern"] ?? .null))")
            }
            return [.replace(literal, with: content)]
        default:
            throw fail("\(path) \(describe(value)) is not supported with a byte-level BPE "
                + "(NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, Sequence)")
        }
    }

    func isMetaspace(_ value: JSONValue) -> Bool {
        if case let .object(o) = value { return string(o, "type") == "Metaspace" }
        return false
    }

    /// Llama 2 as transformers converts it (normalizer `Prepend("▁")` + `Replace(" ", "▁")`, no
    /// pre-tokenizer) or Mistral's form (no normalizer, `Metaspace` pre-tokenizer).
    func metaspace(model: JSONObject, normalizer: JSONValue, preTokenizer: JSONValue, added: [AddedTokenEntry]) throws -> MetaspaceTokenizer {
        var prepend = MetaspaceTokenizer.Prepend.never
        var prependEvenAfterSpace = false
        var split = false
        if normalizer != .null {
            // Gemma's Split(" ") finds no space once Replace(" " → "▁") has run: it changes nothing.
            var spaceSplit = false
            if case let .object(o) = preTokenizer, string(o, "type") == "Split", case let .object(pattern)? = o["pattern"],
               string(pattern, "String") == " ", !bool(o, "invert", default: false) {
                spaceSplit = true
            }
            guard preTokenizer == .null || spaceSplit else {
                throw fail("pre_tokenizer \(describe(preTokenizer)) after a normalizer is not supported (Llama 2 has none; Gemma's Split(' '))")
            }
            let steps: [JSONValue]
            if case let .object(o) = normalizer, string(o, "type") == "Sequence" {
                steps = o["normalizers"]?.arrayValue ?? []
            } else {
                steps = [normalizer]
            }
            var replaces = false
            for step in steps {
                guard case let .object(o) = step else { throw fail("normalizer \(describe(step)) is not supported") }
                switch string(o, "type") {
                case "Prepend" where string(o, "prepend") == "\u{2581}":
                    prepend = .always
                    prependEvenAfterSpace = true
                case "Replace" where string(o, "content") == "\u{2581}":
                    guard case let .object(pattern)? = o["pattern"], string(pattern, "String") == " " else {
                        throw fail("normalizer Replace: only ' ' → '▁' is supported")
                    }
                    replaces = true
                default:
                    throw fail("normalizer \(describe(step)) is not supported (NFC, as Qwen 2 has; Prepend ▁ and Replace ' ' → ▁, as Llama 2 has)")
                }
            }
            guard replaces else { throw fail("normalizer without Replace(' ' → '▁') is not supported") }
            // HF would match such a token in the normalized text, where its content has gained a ▁.
            if let token = added.first(where: { $0.matching.normalized }) {
                throw fail("\(token.path) '\(token.content)': normalized true is not supported under a normalizer in a sentencepiece-style BPE (Llama 2's are false)")
            }
        } else {
            guard case let .object(o) = preTokenizer, string(o, "type") == "Metaspace" else {
                throw fail("pre_tokenizer \(describe(preTokenizer)) is not supported for a byte-fallback BPE (Metaspace)")
            }
            if let replacement = string(o, "replacement"), replacement != "\u{2581}" {
                throw fail("pre_tokenizer Metaspace with replacement '\(replacement)' is not supported (▁)")
            }
            let scheme = string(o, "prepend_scheme") ?? (bool(o, "add_prefix_space", default: true) ? "always" : "never")
            guard let parsed = MetaspaceTokenizer.Prepend(rawValue: scheme) else {
                throw fail("pre_tokenizer Metaspace prepend_scheme '\(scheme)' is not supported")
            }
            prepend = parsed
            split = bool(o, "split", default: true)
        }
        let (vocabulary, _) = try bpe(model, added: added, byteLevel: false)
        var unknown: UInt32?
        if let name = string(model, "unk_token") {
            guard let id = (0..<vocabulary.count).first(where: { vocabulary.tokens[$0] == Array(name.utf8) }) else {
                throw fail("model unk_token '\(name)' is not in the vocabulary")
            }
            unknown = UInt32(id)
        }
        do {
            return try MetaspaceTokenizer(vocabulary: vocabulary, prepend: prepend, prependEvenAfterSpace: prependEvenAfterSpace,
                                          splitWords: split, byteFallback: bool(model, "byte_fallback", default: false),
                                          unknown: unknown, fuseUnknown: bool(model, "fuse_unk", default: false))
        } catch let error as WinnowError {
            throw fail("model: \(error)")
        }
    }

    func describe(_ component: JSONValue) -> String {
        if case let .object(o) = component, let type = o["type"]?.stringValue { return "'\(type)'" }
        return JSONWriter.string(component)
    }

    func string(_ o: JSONObject, _ key: String) -> String? { o[key]?.stringValue }

    func bool(_ o: JSONObject, _ key: String, default fallback: Bool) -> Bool {
        if case let .bool(b)? = o[key] { return b }
        return fallback
    }

    /// ByteLevel with its own regex (GPT-2), or Split(a regex: native if it is one of our
    /// patterns, else ICU) then ByteLevel without regex.
    /// The split rule, and whether ByteLevel puts a space in front (`add_prefix_space`).
    func preTokenizer(_ value: JSONValue) throws -> (PreTokenizer, Bool) {
        guard case let .object(o) = value else { throw fail("pre_tokenizer: none; byte-level BPE needs ByteLevel") }
        switch string(o, "type") {
        case "ByteLevel":
            guard bool(o, "use_regex", default: true) else {
                throw fail("pre_tokenizer ByteLevel with use_regex false and no Split is not supported")
            }
            return (.native(.gpt2), bool(o, "add_prefix_space", default: true))
        case "Sequence":
            guard case let .array(all)? = o["pretokenizers"], case let .object(byteLevel)? = all.last,
                  string(byteLevel, "type") == "ByteLevel" else {
                throw fail("pre_tokenizer Sequence: a byte-level BPE needs ByteLevel last, found \(JSONWriter.string(value).prefix(200))")
            }
            try checkByteLevel(byteLevel, component: "pre_tokenizer.pretokenizers[\(all.count - 1)] ByteLevel")
            var steps = try all.dropLast().enumerated().map { try preTokenizeStep($0.element, path: "pre_tokenizer.pretokenizers[\($0.offset)]") }
            if bool(byteLevel, "use_regex", default: true) {
                steps.append(.split(pattern: SplitPattern.gpt2.regex, isRegex: true, behavior: .isolated, invert: false))
            }
            // The common forms keep their fast scanners: [Split(regex, Isolated)] and [Split, Digits].
            if case let .split(regex, true, .isolated, false)? = steps.first, steps.count <= 2 {
                let rule = PreTokenizer(regex: regex)
                switch steps.dropFirst().first {
                case nil: return (rule, false)
                case let .digits(individual)?: return (.digits(rule, individual: individual), false)
                default: break
                }
            }
            return (.sequence(steps), false)
        default:
            throw fail("pre_tokenizer \(describe(value)) is not supported")
        }
    }

    /// One step of a pre-tokenizer Sequence before its ByteLevel.
    func preTokenizeStep(_ value: JSONValue, path: String) throws -> PreTokenizeStep {
        guard case let .object(o) = value else { throw fail("\(path): not an object") }
        func behavior(_ fallback: SplitBehavior) throws -> SplitBehavior {
            guard let name = string(o, "behavior") else { return fallback }
            guard let behavior = SplitBehavior(rawValue: name) else { throw fail("\(path): behavior '\(name)' is not one of HF's") }
            return behavior
        }
        switch string(o, "type") {
        case "Split":
            guard case let .object(pattern)? = o["pattern"], let text = string(pattern, "Regex") ?? string(pattern, "String") else {
                throw fail("\(path) Split: the pattern must be {\"Regex\": …} or {\"String\": …}")
            }
            return .split(pattern: text, isRegex: string(pattern, "Regex") != nil, behavior: try behavior(.isolated),
                          invert: bool(o, "invert", default: false))
        case "Digits": return .digits(individual: bool(o, "individual_digits", default: false))
        case "Punctuation": return .punctuation(try behavior(.isolated))
        case "Whitespace": return .whitespace
        case "WhitespaceSplit": return .whitespaceSplit
        default:
            throw fail("\(path) \(describe(value)) is not supported before ByteLevel (Split, Digits, Punctuation, Whitespace, WhitespaceSplit)")
        }
    }

    func checkByteLevel(_ o: JSONObject, component: String) throws {
        if bool(o, "add_prefix_space", default: true) {
            throw fail("\(component) with add_prefix_space true is not supported")
        }
    }

    /// The vocabulary and merges of a BPE model; `byteLevel` vocabularies are written in GPT-2's
    /// byte alphabet, the others (sentencepiece-style) are literal text.
    /// `flags`: the caller handles added tokens' `lstrip`, `rstrip` and `single_word`.
    func bpe(_ model: JSONObject, added: [AddedTokenEntry], byteLevel: Bool, flags: Bool = false) throws -> (BPEVocabulary, Bool) {
        if let type = string(model, "type"), type != "BPE" { throw fail("model type '\(type)' is not supported (BPE)") }
        // HF writes "" where it means none (Qwen 2's and GPT-2's files do).
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] + (byteLevel ? ["unk_token"] : []) {
            if let value = model[key], value != .null, value != .string("") {
                throw fail("model.\(key) \(JSONWriter.string(value)) is not supported\(byteLevel ? " in byte-level BPE" : "")")
            }
        }
        if let dropout = model["dropout"], dropout != .null, dropout.doubleValue != 0 {
            throw fail("model dropout \(JSONWriter.string(dropout)) is not supported")
        }
        guard case let .object(vocabObject)? = model["vocab"] else { throw fail("model has no vocab object") }

        if !flags, let token = added.first(where: { $0.matching.singleWord || $0.matching.stripLeft || $0.matching.stripRight }) {
            let flag = token.matching.singleWord ? "single_word" : token.matching.stripLeft ? "lstrip" : "rstrip"
            throw fail("\(token.path) '\(token.content)': \(flag) true is not supported with a sentencepiece-style BPE")
        }
        let addedTokens = added.map { (content: $0.content, id: $0.id) }
        let addedIDs = Dictionary(addedTokens.map { ($0.content, $0.id) }, uniquingKeysWith: { a, _ in a })

        var tokens: [[UInt8]?] = []
        var idOfString: [String: UInt32] = [:]
        idOfString.reserveCapacity(vocabObject.count)
        for member in vocabObject {
            guard let number = member.value.doubleValue, number >= 0, number < 1e8 else {
                throw fail("vocab entry '\(member.key)' has no valid id")
            }
            let id = Int(number)
            if id >= tokens.count { tokens += [[UInt8]?](repeating: nil, count: id + 1 - tokens.count) }
            if addedIDs[member.key] != nil || !byteLevel {
                tokens[id] = Array(member.key.utf8)
            } else {
                guard let bytes = ByteLevelAlphabet.decode(member.key) else {
                    throw fail("vocab entry '\(member.key)' (id \(id)) is not in the byte-level alphabet")
                }
                tokens[id] = bytes
            }
            idOfString[member.key] = UInt32(id)
        }
        for token in addedTokens where idOfString[token.content] == nil {
            let id = Int(token.id)
            // HF gives tokens outside the vocabulary the ids after it; a larger id is a broken file.
            guard id < vocabObject.count + addedTokens.count else {
                throw fail("added_tokens '\(token.content)': id \(id) is past the \(vocabObject.count) vocabulary and \(addedTokens.count) added tokens")
            }
            if id >= tokens.count { tokens += [[UInt8]?](repeating: nil, count: id + 1 - tokens.count) }
            tokens[id] = Array(token.content.utf8)
            idOfString[token.content] = token.id
        }
        if let hole = tokens.firstIndex(where: { $0 == nil }) { throw fail("vocab has no token with id \(hole)") }

        var merges: [BPEVocabulary.Merge] = []
        guard case let .array(mergeList)? = model["merges"] else { throw fail("model has no merges list") }
        merges.reserveCapacity(mergeList.count)
        for (rank, item) in mergeList.enumerated() {
            let parts: [String]
            switch item {
            case let .string(s):
                parts = s.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            case let .array(pair):
                parts = pair.compactMap(\.stringValue)
            default:
                parts = []
            }
            guard parts.count == 2 else { throw fail("merge \(rank) is not a pair: \(JSONWriter.string(item))") }
            guard let left = idOfString[parts[0]], let right = idOfString[parts[1]],
                  let result = idOfString[parts[0] + parts[1]] else {
                throw fail("merge \(rank) (\(parts[0]) \(parts[1])): a token is out of the vocabulary")
            }
            merges.append(.init(left: left, right: right, result: result))
        }
        let specials = addedTokens.map { (content: $0.content, id: idOfString[$0.content]!) }
        return (BPEVocabulary(tokens: tokens.map { $0! }, merges: merges, specials: specials),
                bool(model, "ignore_merges", default: false))
    }
}

extension JSONValue {
    var arrayValue: [JSONValue] {
        if case let .array(items) = self { return items }
        return []
    }
}
