import WinnowCore

/// What `winnow inspect X.idx|X.ds|X.bin` shows of a token shard: layout, dtype, documents,
/// tokens, sequence-length quantiles, loss-mask coverage, and the checks a trainer depends on
/// (index consistent with the data, which opening the reader already verifies; ids below the
/// vocabulary; EOS ending every document), plus one document decoded back to text.
public struct TokenShardInspection {
    public var path: String
    public var format: TokenShardFormat
    public var width: TokenWidth
    public var sequences: Int
    public var documents: Int
    public var tokens: Int64
    public var lengthQuantiles: [(Double, Int64)] = []
    /// Fraction of tokens trained on, if the shard has a mask.
    public var maskCoverage: Double?
    public var maxID: UInt32 = 0
    public var vocabularySize: Int?
    public var idsOutsideVocabulary: Int64 = 0
    public var eosID: UInt32?
    /// Documents (sequences) not ending with EOS, when the tokenizer names one.
    public var missingEOS: Int?
    public var decoded: (index: Int, text: String, masked: Int)?
    /// nanoGPT: tokens after the last EOS (a document cut at the end of the file).
    public var trailingTokens: Int64 = 0
    public var problems: [String] = []

    public init(path: String, tokenizer: (any Tokenizer)?, document: Int?) throws {
        let shard = try TokenShardReader(path: path)
        self.path = path
        format = shard.format
        width = shard.width
        tokens = shard.tokenCount
        vocabularySize = tokenizer?.vocabularySize
        eosID = tokenizer?.endOfTextID
        // nanoGPT has no index: its documents are the runs ending in EOS.
        var bounds = shard.sequenceEnds
        if shard.format == .nanogpt, let eos = eosID {
            bounds = [0]
            for offset in 0..<shard.tokenCount where shard.token(at: offset) == eos { bounds.append(offset + 1) }
            trailingTokens = shard.tokenCount - bounds.last!
            // A packed file split at a token limit may end inside a document; one with a
            // document per EOS (no mask) must not.
            if trailingTokens > 0, !shard.hasMask { bounds.append(shard.tokenCount) }
        }
        sequences = bounds.count - 1
        documents = shard.format == .megatron ? shard.documentCount : sequences
        var lengths = (0..<sequences).map { bounds[$0 + 1] - bounds[$0] }
        lengths.sort()
        if !lengths.isEmpty {
            lengthQuantiles = [0, 0.1, 0.5, 0.9, 0.99, 1].map { q in (q, lengths[min(lengths.count - 1, Int(q * Double(lengths.count - 1)))]) }
        }
        for offset in 0..<shard.tokenCount {
            let id = shard.token(at: offset)
            if id > maxID { maxID = id }
            if let size = vocabularySize, Int(id) >= size { idsOutsideVocabulary += 1 }
        }
        if idsOutsideVocabulary > 0 { problems.append("\(idsOutsideVocabulary) token ids are outside the vocabulary of \(vocabularySize!)") }
        if let ones = shard.maskedInCount { maskCoverage = tokens == 0 ? 1 : Double(ones) / Double(tokens) }
        // Packed shards (every sequence the same length, with a mask) cut documents anywhere;
        // EOS is checked only where each sequence is a document.
        let packed = shard.hasMask && lengths.first == lengths.last && sequences > 1 && shard.format != .nanogpt
        if let eos = eosID, !packed {
            var missing = 0
            for i in 0..<sequences where bounds[i + 1] == bounds[i] || shard.token(at: bounds[i + 1] - 1) != eos { missing += 1 }
            missingEOS = missing
            if missing > 0 { problems.append("\(missing) of \(sequences) documents do not end with EOS (id \(eos))") }
        }
        if let k = document {
            guard (0..<sequences).contains(k) else {
                throw WinnowError.invalid("\(path): there is no document \(k) (documents 0..<\(sequences))")
            }
            let ids = (bounds[k]..<bounds[k + 1]).map(shard.token(at:))
            guard let tokenizer else { throw WinnowError.invalid("--doc needs --tokenizer to decode the ids") }
            let text = String(decoding: try tokenizer.decode(ids), as: UTF8.self)
            let mask = shard.format == .nanogpt ? nil : shard.mask(sequence: k)
            decoded = (k, text, mask.map { $0.filter { $0 == 0 }.count } ?? 0)
        }
    }

    public var text: String {
        var lines = ["\(path): \(format.rawValue) token shard, \(width.name) tokens",
                     "documents: \(documents), sequences: \(sequences), tokens: \(tokens)"]
        if !lengthQuantiles.isEmpty {
            lines.append("sequence length: " + lengthQuantiles.map { "p\(Int($0.0 * 100))=\($0.1)" }.joined(separator: " "))
        }
        if let coverage = maskCoverage {
            let hundredths = Int((coverage * 10000).rounded())
            let fraction = hundredths % 100 < 10 ? "0\(hundredths % 100)" : "\(hundredths % 100)"
            lines.append("loss mask: \(hundredths / 100).\(fraction) % of tokens trained on")
        } else {
            lines.append("loss mask: none (every token trained on)")
        }
        lines.append("largest id: \(maxID)" + (vocabularySize.map { " (vocabulary \($0))" } ?? " (give --tokenizer to check against the vocabulary)"))
        if trailingTokens > 0 { lines.append("tokens after the last EOS: \(trailingTokens) (a document continues in the next file)") }
        if let missing = missingEOS { lines.append("EOS at the end of every document: " + (missing == 0 ? "yes" : "no, \(missing) missing")) }
        lines.append(problems.isEmpty ? "valid: yes" : "valid: no — " + problems.joined(separator: "; "))
        if let decoded {
            lines.append("document \(decoded.index) (\(decoded.masked) tokens without loss):")
            lines.append(decoded.text)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "path", value: .string(path)),
            .init(key: "format", value: .string(format.rawValue)),
            .init(key: "dtype", value: .string(width.name)),
            .init(key: "documents", value: JSONValue(documents)),
            .init(key: "sequences", value: JSONValue(sequences)),
            .init(key: "tokens", value: JSONValue(Int(tokens))),
            .init(key: "length_quantiles", value: .object(JSONObject(lengthQuantiles.map { .init(key: "p\(Int($0.0 * 100))", value: JSONValue(Int($0.1))) }))),
            .init(key: "mask_coverage", value: maskCoverage.map { JSONValue($0) } ?? .null),
            .init(key: "max_id", value: JSONValue(Int(maxID))),
            .init(key: "missing_eos", value: missingEOS.map { JSONValue($0) } ?? .null),
            .init(key: "valid", value: .bool(problems.isEmpty)),
            .init(key: "problems", value: .array(problems.map { .string($0) })),
        ]
        if let decoded {
            members.append(.init(key: "document", value: .object(JSONObject([
                .init(key: "index", value: JSONValue(decoded.index)),
                .init(key: "text", value: .string(decoded.text)),
                .init(key: "masked_tokens", value: JSONValue(decoded.masked)),
            ]))))
        }
        return .object(JSONObject(members))
    }
}
