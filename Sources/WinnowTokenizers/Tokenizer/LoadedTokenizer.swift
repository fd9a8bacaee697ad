import WinnowCore

/// A tokenizer read from a file, with what the command line shows of it.
public protocol LoadedTokenizer: Tokenizer {
    /// The token's string as the vocabulary file spells it.
    func tokenString(_ id: UInt32) -> String
    /// Lines describing the tokenizer (type, vocabulary, pre-tokenizer, specials) for `inspect`.
    var summary: [String] { get }
}

extension LoadedTokenizer {
    /// Encodes `text` with a fresh encoder (convenience for tests and one-off calls).
    public func encode(_ text: [UInt8], specials: SpecialTokenPolicy = .recognize) throws -> [UInt32] {
        var encoder = makeEncoder(specials: specials)
        var ids: [UInt32] = []
        try text.withUnsafeBufferPointer { try encoder.encode($0, into: &ids) }
        return ids
    }

    func specialsLine(_ vocabulary: BPEVocabulary) -> String {
        Self.specialsLine(vocabulary.specials)
    }

    /// The special tokens, the first 40 when there are more (DeepSeek's files have 1,283).
    static func specialsLine(_ specials: [(content: String, id: UInt32)]) -> String {
        guard !specials.isEmpty else { return "special tokens: none" }
        let shown = specials.prefix(40).map { "\($0.content)=\($0.id)" }.joined(separator: " ")
        return "special tokens: " + shown + (specials.count > 40 ? " … (\(specials.count) in all)" : "")
    }

    func vocabularyLine(_ vocabulary: BPEVocabulary) -> String {
        "vocabulary: \(vocabulary.count) tokens, \(vocabulary.merges.count) merges, longest token \(vocabulary.tokens.map(\.count).max() ?? 0) bytes"
    }
}

extension BPETokenizer: LoadedTokenizer {
    public func tokenString(_ id: UInt32) -> String { vocabulary.vocabString(id) }

    public var summary: [String] {
        ["type: byte-level BPE", vocabularyLine(vocabulary),
         "normalizer: \(normalizer.isEmpty ? "none" : normalizer.json)",
         "pre-tokenizer: \(prefixSpace ? "a space in front, " : "")\(split.name), then bytes",
         "whole pieces first (ignore_merges): \(ignoreMerges)", specialsLine(vocabulary)]
    }
}

extension MetaspaceTokenizer: LoadedTokenizer {
    public func tokenString(_ id: UInt32) -> String { String(decoding: vocabulary.tokens[Int(id)], as: UTF8.self) }

    public var summary: [String] {
        ["type: BPE over characters with \(fallback.byteTokens != nil ? "byte fallback" : "no byte fallback") (sentencepiece style)",
         vocabularyLine(vocabulary),
         "pre-tokenizer: spaces as ▁, prepend ▁ \(prepend.rawValue)\(splitWords ? ", split before each ▁" : ", no split")",
         specialsLine(vocabulary)]
    }
}

extension SentencePieceTokenizer: LoadedTokenizer {
    public func tokenString(_ id: UInt32) -> String { String(decoding: pieces[Int(id)].bytes, as: UTF8.self) }

    public var summary: [String] {
        let count = { (type: SentencePieceModelProto.PieceType) in pieces.lazy.filter { $0.type == type }.count }
        let rules = normalizer.charsMap == nil ? "no character rules" : "precompiled character rules"
        let spaces = [normalizer.addDummyPrefix ? "▁ prepended" : nil, normalizer.removeExtraWhitespaces ? "extra spaces removed" : nil,
                      normalizer.escapeWhitespaces ? "spaces as ▁" : "spaces kept"].compactMap { $0 }.joined(separator: ", ")
        return ["type: sentencepiece \(algorithm.rawValue)\(byteTokens != nil ? " with byte fallback" : "")",
                "vocabulary: \(pieces.count) pieces (\(count(.normal)) normal, \(count(.userDefined)) user-defined, \(count(.control)) control, "
                    + "\(count(.byte)) byte, \(count(.unused)) unused), unknown \(tokenString(unknownID))=\(unknownID)",
                "normalizer: \(normalizerName.isEmpty ? "unnamed" : normalizerName) (\(rules)), \(spaces)",
                Self.specialsLine(specials)]
    }
}
