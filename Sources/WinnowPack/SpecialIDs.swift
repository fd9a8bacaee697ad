import WinnowCore

/// The ids of the tokens the packer adds around documents, looked up by name in the tokenizer
/// so that a wrong name is an error now, not a silently wrong shard.
public struct SpecialIDs: Sendable, Equatable {
    public var bos: UInt32?
    public var eos: UInt32?
    public var pad: UInt32

    static let bosNames = ["<|begin_of_text|>", "<s>", "<|startoftext|>", "<bos>"]

    public init(tokenizer: any Tokenizer, settings: PackSettings, path: String) throws {
        func lookup(_ name: String) throws -> UInt32 {
            guard let id = tokenizer.specialTokens[name] else {
                let known = tokenizer.specialTokens.keys.sorted().joined(separator: ", ")
                throw WinnowError.invalid("\(path): the tokenizer has no special token '\(name)' (it has: \(known.isEmpty ? "none" : known))")
            }
            return id
        }
        if let name = settings.eosToken { eos = try lookup(name) } else { eos = settings.tokenizerEOS ?? tokenizer.endOfTextID }
        if settings.addEOS, eos == nil {
            throw WinnowError.invalid("\(path): the tokenizer has no end-of-text token; name one with eos_token, or set eos: false")
        }
        if let name = settings.bosToken {
            bos = try lookup(name)
        } else {
            bos = settings.tokenizerBOS ?? SpecialIDs.bosNames.lazy.compactMap { tokenizer.specialTokens[$0] }.first
        }
        if settings.addBOS, bos == nil {
            throw WinnowError.invalid("\(path): the tokenizer has no beginning-of-text token; name one with bos_token")
        }
        pad = try settings.padToken.map(lookup) ?? eos ?? 0
    }
}

/// One document as the packer receives it: ids, and a loss mask that is 0 for BOS and the
/// prefix (MeCo's `URL: host\n\n`) and 1 for the text and EOS.
struct EncodedDocument {
    var ids: [UInt32] = []
    var masked = 0
    var error: String?

    var mask: [UInt8] {
        [UInt8](repeating: 0, count: masked) + [UInt8](repeating: 1, count: ids.count - masked)
    }
}

/// Encodes documents for the packer, one per thread.
struct DocumentEncoder {
    var encoder: any TokenEncoder
    let specials: SpecialIDs
    let settings: PackSettings

    /// The document's phase (for the prefix rule) comes from `settings.phaseField`.
    mutating func encode(_ doc: Document) -> EncodedDocument {
        var out = EncodedDocument()
        out.ids.reserveCapacity(doc.text.count / 3 + 16)
        if settings.addBOS, let bos = specials.bos { out.ids.append(bos) }
        do {
            if let prefix = prefix(of: doc) {
                var bytes = Array(prefix.utf8)
                try bytes.withUnsafeBufferPointer { try encoder.encode($0, into: &out.ids) }
                bytes.removeAll()
            }
            out.masked = out.ids.count
            try doc.text.withUnsafeBufferPointer { try encoder.encode($0, into: &out.ids) }
        } catch {
            out.error = "\(error)"
            return out
        }
        if settings.addEOS, let eos = specials.eos { out.ids.append(eos) }
        return out
    }

    func prefix(of doc: Document) -> String? {
        guard let field = settings.prefixField, let text = doc.metadata.value(atPath: field)?.stringValue, !text.isEmpty else { return nil }
        if let phase = doc.metadata.value(atPath: settings.phaseField)?.stringValue, settings.noPrefixPhases.contains(phase) { return nil }
        return text
    }
}
