import WinnowCore

/// The `pack` step's settings, with their defaults.
public struct PackSettings: Sendable {
    /// A tokenizer file (`tokenizer.json`, …), or nil when `tokenizerStep` names the step that
    /// trained it.
    public var tokenizerPath: String?
    /// A step of the same pipeline whose output folder holds `tokenizer.json` (tokenizer-train).
    public var tokenizerStep: String?
    public var format: TokenShardFormat = .megatron
    /// Output files are `<name>[_<phase>]` plus the format's suffixes (`_text_document.bin/.idx`
    /// for Megatron, as its preprocess_data names them).
    public var name = "train"
    public var packing: PackingMode = .documents
    /// Tokens a trainer's sample takes as input; packed windows hold one more (the last label).
    public var sequenceLength = 2048
    public var addBOS = false
    public var addEOS = true
    /// Take BOS and EOS from the tokenizer (its post-processor, or add_bos_token/add_eos_token
    /// in the tokenizer_config.json beside it), as its model was trained; `bos`, `eos`,
    /// `bos_token` and `eos_token` given explicitly still win.
    public var specialsFromTokenizer = false
    /// Which of `bos`/`eos` the settings gave (they win over the tokenizer's).
    public var explicitBOS = false, explicitEOS = false
    /// Special-token names; nil picks the tokenizer's usual one.
    public var bosToken: String?
    public var eosToken: String?
    public var padToken: String?
    /// What to do with special-token text inside documents (web text has `<|endoftext|>` too).
    public var specialTokens: SpecialTokenPolicy = .ordinary
    /// The metadata key holding a text to prepend without loss (MeCo's `URL: host\n\n`); nil: none.
    public var prefixField: String? = "meco_prefix"
    /// The metadata key naming the mix phase of a document; documents of each phase go to their
    /// own files, so a trainer can run them in order (MeCo's cooldown last).
    public var phaseField = "mix_phase"
    /// Phases whose documents are packed without the prefix (MeCo's cooldown).
    public var noPrefixPhases: Set<String> = ["cooldown"]
    /// Metadata key whose values the report counts tokens by.
    public var reportField = "domain"
    /// 0: one file per phase; otherwise files are split at this many tokens.
    public var maxTokensPerFile: Int64 = 0
    /// Encoding threads inside one task.
    public var threads = 1
    public var bestFitBuffer = 1 << 20

    public init() {}

    public init(settings: SettingsReader) throws {
        tokenizerPath = try settings.existingPath("tokenizer")
        tokenizerStep = try settings.string("tokenizer_step")
        guard (tokenizerPath == nil) != (tokenizerStep == nil) else {
            throw settings.error("tokenizer", "or 'tokenizer_step' (the id of a tokenizer-train step) must be given, not both")
        }
        format = TokenShardFormat(rawValue: try settings.choice("format", TokenShardFormat.allCases.map(\.rawValue), default: "megatron"))!
        name = try settings.string("name", default: name)
        guard !name.isEmpty, !name.contains("/") else { throw settings.error("name", "must be a file name without '/'") }
        packing = PackingMode(rawValue: try settings.choice("packing", PackingMode.allCases.map(\.rawValue), default: "documents"))!
        sequenceLength = try settings.int("seq_len", default: sequenceLength)
        guard sequenceLength >= 1 else { throw settings.error("seq_len", "must be at least 1") }
        explicitBOS = settings.node("bos") != nil
        explicitEOS = settings.node("eos") != nil
        addBOS = try settings.bool("bos", default: false)
        addEOS = try settings.bool("eos", default: true)
        specialsFromTokenizer = try settings.bool("specials_from_tokenizer", default: false)
        bosToken = try settings.string("bos_token")
        eosToken = try settings.string("eos_token")
        padToken = try settings.string("pad_token")
        specialTokens = SpecialTokenPolicy(rawValue: try settings.choice("special_tokens", SpecialTokenPolicy.allCases.map(\.rawValue), default: "ordinary"))!
        let prefix = try settings.string("prefix_field", default: "meco_prefix")
        prefixField = prefix == "none" ? nil : prefix
        phaseField = try settings.string("phase_field", default: phaseField)
        noPrefixPhases = Set(try settings.strings("no_prefix_phases") ?? Array(noPrefixPhases))
        reportField = try settings.string("report_field", default: reportField)
        maxTokensPerFile = Int64(try settings.int("max_tokens_per_file", default: 0))
        guard maxTokensPerFile >= 0 else { throw settings.error("max_tokens_per_file", "must be 0 (no limit) or more") }
        threads = try settings.int("threads", default: 1)
        guard (1...256).contains(threads) else { throw settings.error("threads", "must be between 1 and 256") }
        bestFitBuffer = try settings.int("best_fit_buffer", default: bestFitBuffer)
        try settings.finish()
    }

    /// The layout of the per-task parts: the output's, except that nanoGPT parts are written
    /// as `.ds` so the merge knows where their sequences end (to split files between them).
    public var partFormat: TokenShardFormat { format == .nanogpt ? .datatrove : format }

    /// These settings with BOS and EOS as the tokenizer adds them around a text (with
    /// `specials_from_tokenizer`; explicit `bos`/`eos`/`bos_token`/`eos_token` win).
    public func withSpecials(of tokenizer: any Tokenizer, path: String) throws -> PackSettings {
        guard specialsFromTokenizer else { return self }
        let (before, after) = tokenizer.specialTokensAroundText
        guard before.count <= 1, after.count <= 1 else {
            throw WinnowError.invalid("\(path): the tokenizer adds \(before.count) tokens before and \(after.count) after a text; "
                + "pack adds one BOS and one EOS: set bos/eos and bos_token/eos_token instead of specials_from_tokenizer")
        }
        var out = self
        if !explicitBOS { out.addBOS = !before.isEmpty }
        if !explicitEOS { out.addEOS = !after.isEmpty }
        out.tokenizerBOS = before.first
        out.tokenizerEOS = after.first
        return out
    }

    /// The ids `withSpecials(of:)` took from the tokenizer.
    public var tokenizerBOS: UInt32?, tokenizerEOS: UInt32?

    /// Tokens per packed window.
    public var window: Int { sequenceLength + 1 }

    /// Whether per-task parts carry a loss mask: a prefix or padding can only be excluded from
    /// the loss through one. The merged output keeps it only if some token is masked.
    public var writesMask: Bool { prefixField != nil || packing != .documents }

    /// The base name (before the format's suffixes) of an output file.
    public func baseName(phase: String, part: Int?) -> String {
        var base = phase.isEmpty ? name : "\(name)_\(phase)"
        if let part { base += "-" + ShardNaming.fiveDigits(part) }
        return format == .megatron ? base + "_text_document" : base
    }
}
