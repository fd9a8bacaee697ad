import WinnowCore

/// The token-shard layouts trainers read (pipelines.md §10 has the byte layouts): Megatron's
/// indexed dataset, datatrove/nanotron's `.ds` family and nanoGPT's bare `.bin`.
public enum TokenShardFormat: String, Sendable, CaseIterable {
    /// `<base>.bin` (tokens) + `<base>.idx` (MMIDIDX index), Megatron-LM and NeMo.
    case megatron
    /// `<base>.ds` (tokens) + `<base>.ds.index` (u64 document ends) + `<base>.ds.loss`, nanotron.
    case datatrove
    /// `<base>.bin`, raw uint16 tokens with EOS between documents (nanoGPT's `train.bin`).
    case nanogpt

    /// The file holding the tokens.
    public func dataPath(_ base: String) -> String {
        self == .datatrove ? base + ".ds" : base + ".bin"
    }

    /// The file holding the document boundaries, if the format has one.
    public func indexPath(_ base: String) -> String? {
        switch self {
        case .megatron: return base + ".idx"
        case .datatrove: return base + ".ds.index"
        case .nanogpt: return nil
        }
    }

    /// The loss mask (one byte per token, 0 = not trained on). datatrove defines `.ds.loss`;
    /// Megatron and nanoGPT have no mask file, so Winnow writes the same layout as `.loss` beside
    /// the tokens for trainers (or data loaders) that want it.
    public func lossPath(_ base: String) -> String {
        self == .datatrove ? base + ".ds.loss" : base + ".loss"
    }

    /// The base name of a shard given one of its files, and the format that file belongs to.
    public static func recognize(_ path: String) -> (format: TokenShardFormat, base: String)? {
        for (suffix, format) in [(".ds.index", TokenShardFormat.datatrove), (".ds.loss", .datatrove), (".ds", .datatrove),
                                 (".idx", .megatron)] where path.hasSuffix(suffix) {
            return (format, String(path.dropLast(suffix.count)))
        }
        if path.hasSuffix(".bin") {
            let base = String(path.dropLast(4))
            return (fileExists(base + ".idx") ? .megatron : .nanogpt, base)
        }
        return nil
    }
}

/// How wide each token is on disk, chosen from the vocabulary size as each trainer's own
/// tools choose it, so a trainer reading the file never sees ids cut to 16 bits.
public enum TokenWidth: Sendable, Equatable {
    case uint16
    case uint32
    case int32

    public var byteCount: Int { 2 << (self == .uint16 ? 0 : 1) }

    /// Megatron's `DType.optimal_dtype`: uint16 below 65,500 ids, else int32. datatrove: uint16
    /// up to 65,536 ids, else uint32. nanoGPT reads uint16 only.
    public static func choose(format: TokenShardFormat, vocabularySize: Int) throws -> TokenWidth {
        switch format {
        case .megatron: return vocabularySize < 65_500 ? .uint16 : .int32
        case .datatrove: return vocabularySize <= 65_536 ? .uint16 : .uint32
        case .nanogpt:
            guard vocabularySize <= 65_536 else {
                throw WinnowError.invalid("nanoGPT .bin files hold uint16 tokens; a vocabulary of \(vocabularySize) does not fit (use megatron or datatrove)")
            }
            return .uint16
        }
    }

    /// Megatron's dtype code in the `.idx` header.
    public var megatronCode: UInt8 {
        switch self {
        case .uint16: return 8
        case .int32: return 4
        case .uint32: return 4
        }
    }

    public init?(megatronCode: UInt8) {
        switch megatronCode {
        case 8: self = .uint16
        case 4: self = .int32
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .uint16: return "uint16"
        case .uint32: return "uint32"
        case .int32: return "int32"
        }
    }
}
