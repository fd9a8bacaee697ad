import WinnowCore

/// A sentencepiece unigram model as HF `tokenizer.json`, laid out as transformers'
/// `SpmConverter` builds it (tokenizers.md §6.6): normalizer `Sequence[Precompiled(charsmap),
/// Strip(right), Replace(" {2,}" → "▁")]`, pre-tokenizer and decoder `Metaspace`, model
/// `Unigram` with the pieces and their scores; control pieces become special added tokens.
/// User-defined pieces are written as pieces with the score sentencepiece gives them when
/// encoding (`length × max_score − 0.1`), not as added tokens: HF cuts added tokens out before
/// normalizing and then prepends a `▁` to the text after each, which sentencepiece does not.
/// `tokenizers` then encodes as sentencepiece does word by word (it sums scores per word in
/// `Double`, sentencepiece per sentence in `Float`, so where two cuts score within rounding of
/// each other they may choose differently), and so do we when reading it back.
enum SentencePieceJSON {
    /// Throws where tokenizer.json cannot say what the model does.
    static func write(_ tokenizer: SentencePieceTokenizer) throws -> [UInt8] {
        let proto = tokenizer.proto
        if case let .bpe(bpe) = tokenizer.model { return try writeBPE(tokenizer, merges: bpe.merges) }
        let spec = proto.normalizer
        guard spec.escapeWhitespaces else {
            throw WinnowError.invalid("a model that keeps spaces (escape_whitespaces false) cannot be written as tokenizer.json: Metaspace always turns them into ▁")
        }
        guard !proto.treatWhitespaceAsSuffix else {
            throw WinnowError.invalid("a model with treat_whitespace_as_suffix cannot be written as tokenizer.json")
        }
        guard !proto.pieces.contains(where: { $0.type == .unused }) else {
            throw WinnowError.invalid("a model with unused pieces cannot be written as tokenizer.json (HF's Unigram has no such pieces)")
        }
        var out: [UInt8] = []
        func text(_ s: String) { out += Array(s.utf8) }
        func string(_ s: String) { JSONWriter.appendString(s, to: &out) }
        text("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [")
        var first = true
        for (id, piece) in proto.pieces.enumerated() where piece.type == .control {
            text(first ? "\n    " : ",\n    ")
            first = false
            text("{\"id\": \(id), \"content\": ")
            string(String(decoding: piece.bytes, as: UTF8.self))
            text(", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": \(piece.type == .control)}")
        }
        text("\n  ],\n  \"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [")
        var steps: [String] = []
        if !spec.charsMap.isEmpty { steps.append("{\"type\": \"Precompiled\", \"precompiled_charsmap\": \"\(Base64.encode(spec.charsMap))\"}") }
        if spec.removeExtraWhitespaces {
            steps.append("{\"type\": \"Strip\", \"strip_left\": false, \"strip_right\": true}")
            steps.append("{\"type\": \"Replace\", \"pattern\": {\"Regex\": \" {2,}\"}, \"content\": \"\u{2581}\"}")
        }
        text(steps.joined(separator: ", ") + "]},\n")
        let scheme = spec.addDummyPrefix ? "always" : "never"
        let metaspace = "{\"type\": \"Metaspace\", \"replacement\": \"\u{2581}\", \"prepend_scheme\": \"\(scheme)\", \"split\": true}"
        text("  \"pre_tokenizer\": \(metaspace),\n  \"post_processor\": null,\n")
        if proto.byteFallback {
            text("  \"decoder\": {\"type\": \"Sequence\", \"decoders\": [{\"type\": \"ByteFallback\"}, \(metaspace)]},\n")
        } else {
            text("  \"decoder\": \(metaspace),\n")
        }
        text("  \"model\": {\n    \"type\": \"Unigram\",\n    \"unk_id\": \(tokenizer.unknownID),\n    \"vocab\": [")
        // sentencepiece's "max score" starts at FLT_MIN, so it is that unless a score is positive.
        let maxScore = proto.pieces.filter { $0.type == .normal }.map(\.score).reduce(Float.leastNormalMagnitude, max)
        for (id, piece) in proto.pieces.enumerated() {
            text(id == 0 ? "\n      [" : ",\n      [")
            string(String(decoding: piece.bytes, as: UTF8.self))
            // The float's exact value, as transformers writes it (HF keeps scores as f64).
            let score = piece.type == .userDefined ? Double(Float(piece.bytes.count) * maxScore) - 0.1 : Double(piece.score)
            text(", \(score)]")
        }
        text("\n    ],\n    \"byte_fallback\": \(proto.byteFallback)\n  }\n}\n")
        return out
    }
}

extension SentencePieceJSON {
    /// A sentencepiece BPE model as transformers converts Llama 2's: normalizer
    /// `Sequence[Prepend("▁"), Replace(" " → "▁")]`, no pre-tokenizer, model `BPE` with the pieces,
    /// the merges by score, `<unk>`, `fuse_unk` and byte fallback. That layout says what
    /// sentencepiece does only for models without character rules that keep extra spaces (as
    /// Llama 2's), and without user-defined pieces (HF would prepend `▁` after each); others are
    /// refused, saying which.
    static func writeBPE(_ tokenizer: SentencePieceTokenizer, merges: [BPEVocabulary.Merge]) throws -> [UInt8] {
        let proto = tokenizer.proto, spec = proto.normalizer
        guard spec.charsMap.isEmpty, !spec.removeExtraWhitespaces, spec.escapeWhitespaces, !proto.treatWhitespaceAsSuffix else {
            throw WinnowError.invalid("a sentencepiece BPE model can be written as tokenizer.json only without character rules and with extra "
                + "spaces kept (train with --normalization identity --keep-extra-whitespaces), as Llama 2's")
        }
        guard !proto.pieces.contains(where: { $0.type == .userDefined }) else {
            throw WinnowError.invalid("a sentencepiece BPE model with user-defined pieces cannot be written as tokenizer.json (HF would prepend ▁ after each)")
        }
        var out: [UInt8] = []
        func text(_ s: String) { out += Array(s.utf8) }
        func string(_ bytes: [UInt8]) { JSONWriter.appendString(String(decoding: bytes, as: UTF8.self), to: &out) }
        text("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [")
        var first = true
        for (id, piece) in proto.pieces.enumerated() where piece.type == .control || piece.type == .unknown {
            text(first ? "\n    " : ",\n    ")
            first = false
            text("{\"id\": \(id), \"content\": ")
            string(piece.bytes)
            text(", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}")
        }
        let prepend = spec.addDummyPrefix ? "{\"type\": \"Prepend\", \"prepend\": \"\u{2581}\"}, " : ""
        text("\n  ],\n  \"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [\(prepend)"
            + "{\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"\u{2581}\"}]},\n")
        text("  \"pre_tokenizer\": null,\n  \"post_processor\": null,\n")
        let strip = spec.addDummyPrefix ? ", {\"type\": \"Strip\", \"content\": \" \", \"start\": 1, \"stop\": 0}" : ""
        text("  \"decoder\": {\"type\": \"Sequence\", \"decoders\": [{\"type\": \"Replace\", \"pattern\": {\"String\": \"\u{2581}\"}, \"content\": \" \"}, "
            + "{\"type\": \"ByteFallback\"}, {\"type\": \"Fuse\"}\(strip)]},\n")
        text("  \"model\": {\n    \"type\": \"BPE\", \"dropout\": null, \"unk_token\": ")
        string(proto.pieces[Int(tokenizer.unknownID)].bytes)
        text(", \"continuing_subword_prefix\": null, \"end_of_word_suffix\": null,\n")
        text("    \"fuse_unk\": true, \"byte_fallback\": \(proto.byteFallback), \"ignore_merges\": false,\n    \"vocab\": {")
        for (id, piece) in proto.pieces.enumerated() {
            text(id == 0 ? "\n      " : ",\n      ")
            string(piece.bytes)
            text(": \(id)")
        }
        text("\n    },\n    \"merges\": [")
        for (k, merge) in merges.enumerated() {
            text(k == 0 ? "\n      [" : ",\n      [")
            string(proto.pieces[Int(merge.left)].bytes)
            text(", ")
            string(proto.pieces[Int(merge.right)].bytes)
            text("]")
        }
        text("\n    ]\n  }\n}\n")
        return out
    }

    /// A `tokenizer.json` whose model is `Unigram`, as a sentencepiece-style tokenizer that
    /// encodes as `tokenizers` does: the normalizer must be (a sequence of) `Precompiled`,
    /// `Strip(right)` with `Replace(" {2,}" → "▁")`, the pre-tokenizer `Metaspace`.
    static func read(_ top: JSONObject, model: JSONObject, _ reader: Reader) throws -> SentencePieceTokenizer {
        var proto = SentencePieceModelProto()
        guard case let .array(vocab)? = model["vocab"] else { throw reader.fail("model.vocab: not a list of [piece, score]") }
        for (id, entry) in vocab.enumerated() {
            guard case let .array(pair) = entry, pair.count == 2, let piece = pair[0].stringValue, let score = pair[1].doubleValue else {
                throw reader.fail("model.vocab[\(id)]: not a [piece, score] pair")
            }
            proto.pieces.append(.init(bytes: Array(piece.utf8), score: Float(score), type: .normal))
        }
        guard let unk = model["unk_id"]?.doubleValue, let unknown = Int(exactly: unk), unknown >= 0, unknown < vocab.count else {
            throw reader.fail("model.unk_id: missing or outside the vocabulary (a model without an unknown piece is not supported)")
        }
        proto.pieces[unknown].type = .unknown
        proto.byteFallback = reader.bool(model, "byte_fallback", default: false)
        if proto.byteFallback {
            for k in proto.pieces.indices where SentencePieceTokenizer.byteOfPiece(proto.pieces[k].bytes) != nil { proto.pieces[k].type = .byte }
        }
        var added: [(content: String, id: UInt32)] = []
        for token in try reader.addedTokens(top) {
            let id = Int(token.id)
            guard id < vocab.count, proto.pieces[id].bytes == Array(token.content.utf8) else {
                throw reader.fail("\(token.path): not a piece of the model's vocabulary at its id")
            }
            let flags = [("single_word", token.matching.singleWord), ("lstrip", token.matching.stripLeft), ("rstrip", token.matching.stripRight),
                         ("normalized", token.normalizedWritten)]
            if let flag = flags.first(where: { $0.1 }) {
                throw reader.fail("\(token.path) '\(token.content)': \(flag.0) true is not supported with a Unigram model")
            }
            if token.special {
                if proto.pieces[id].type == .normal { proto.pieces[id].type = .control }
            } else {
                added.append((token.content, token.id))
            }
        }
        proto.normalizer = try normalizer(top["normalizer"] ?? .null, reader)
        var preTokenizer = top["pre_tokenizer"] ?? .null, path = "pre_tokenizer", whitespaceSplit = false
        // T5's Sequence[WhitespaceSplit, Metaspace].
        if case let .object(o) = preTokenizer, reader.string(o, "type") == "Sequence", case let .array(steps)? = o["pretokenizers"],
           steps.count == 2, case let .object(first) = steps[0], reader.string(first, "type") == "WhitespaceSplit" {
            preTokenizer = steps[1]
            path = "pre_tokenizer.pretokenizers[1]"
            whitespaceSplit = true
        }
        proto.normalizer.addDummyPrefix = try metaspace(preTokenizer, path: path, reader)
        if whitespaceSplit, !proto.normalizer.addDummyPrefix {
            throw reader.fail("\(path) Metaspace: prepend_scheme never after WhitespaceSplit is not supported (always)")
        }
        try reader.checkDecoders(top, allowed: ["Metaspace", "ByteFallback", "Fuse", "Replace", "Strip"], model: "a Unigram model")
        proto.unknownSurface = proto.pieces[unknown].bytes
        do {
            return try SentencePieceTokenizer(proto: proto, path: reader.path, byWord: true, whitespaceSplit: whitespaceSplit, addedTokens: added)
        } catch let error as WinnowError {
            throw reader.fail("model: \(error)")
        }
    }

    /// The spec of `Sequence[Precompiled?, Strip(right), Replace(" {2,}" → "▁")]` or of
    /// `Precompiled` alone (extra spaces kept).
    private static func normalizer(_ value: JSONValue, _ reader: Reader) throws -> SentencePieceModelProto.Normalizer {
        var spec = SentencePieceModelProto.Normalizer(name: "", charsMap: [], addDummyPrefix: true, removeExtraWhitespaces: false,
                                                      escapeWhitespaces: true)
        var steps: [(path: String, value: JSONValue)] = []
        if case let .object(o) = value, reader.string(o, "type") == "Sequence" {
            steps = (o["normalizers"]?.arrayValue ?? []).enumerated().map { ("normalizer.normalizers[\($0.offset)]", $0.element) }
        } else if value != .null {
            steps = [("normalizer", value)]
        }
        var strips = false, collapses = false
        for (path, step) in steps {
            guard case let .object(o) = step else { throw reader.fail("\(path): not an object") }
            switch reader.string(o, "type") {
            case "Precompiled" where spec.charsMap.isEmpty && !strips:
                guard let text = reader.string(o, "precompiled_charsmap"), let blob = Base64.decode(Array(text.utf8)[...]) else {
                    throw reader.fail("\(path) Precompiled: precompiled_charsmap is not base64")
                }
                spec.charsMap = blob
            case "Strip" where !reader.bool(o, "strip_left", default: true) && reader.bool(o, "strip_right", default: true) && !strips:
                strips = true
            case "Replace" where strips && !collapses && reader.string(o, "content") == "\u{2581}":
                guard case let .object(pattern)? = o["pattern"], reader.string(pattern, "Regex") == " {2,}" else {
                    throw reader.fail("\(path) Replace: only Regex ' {2,}' → '▁' is supported with a Unigram model")
                }
                collapses = true
            default:
                throw reader.fail("\(path) \(reader.describe(step)) is not supported with a Unigram model "
                    + "(Precompiled, then Strip(right) and Replace(' {2,}' → '▁'), as transformers converts sentencepiece models)")
            }
        }
        guard strips == collapses else {
            throw reader.fail("normalizer: Strip(right) and Replace(' {2,}' → '▁') must come together with a Unigram model")
        }
        spec.removeExtraWhitespaces = strips
        return spec
    }

    /// Whether a `Metaspace` prepends `▁` (`always`) or not (`never`).
    private static func metaspace(_ value: JSONValue, path: String, _ reader: Reader) throws -> Bool {
        guard case let .object(o) = value, reader.string(o, "type") == "Metaspace" else {
            throw reader.fail("\(path) \(reader.describe(value)) is not supported with a Unigram model (Metaspace)")
        }
        if let replacement = reader.string(o, "replacement"), replacement != "\u{2581}" {
            throw reader.fail("\(path) Metaspace: replacement '\(replacement)' is not supported (▁)")
        }
        guard reader.bool(o, "split", default: true) else { throw reader.fail("\(path) Metaspace: split false is not supported") }
        switch reader.string(o, "prepend_scheme") ?? (reader.bool(o, "add_prefix_space", default: true) ? "always" : "never") {
        case "always": return true
        case "never": return false
        case let other: throw reader.fail("\(path) Metaspace: prepend_scheme '\(other)' is not supported with a Unigram model (always, never)")
        }
    }
}
