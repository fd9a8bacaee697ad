import WinnowCore

/// A byte-level BPE tokenizer: special tokens matched first, then a split pattern, then merges
/// by rank on each piece's bytes. What GPT-2, Llama 3, Qwen and our own trained tokenizers are.
public struct BPETokenizer: Tokenizer {
    public let vocabulary: BPEVocabulary
    public let split: PreTokenizer
    /// A piece that is itself a token is emitted whole (HF `ignore_merges`; always so in tiktoken).
    public let ignoreMerges: Bool
    /// What text between special tokens goes through first (HF's normalizer: NFC in Qwen 2,
    /// NFKC, lowercasing, …); decoding gives the normalised text back.
    public let normalizer: TextNormalizer
    /// A space is put before text that does not start with one (HF's ByteLevel
    /// `add_prefix_space`, as GPT-2's and RoBERTa's files have it).
    public let prefixSpace: Bool
    let model: BPEModel
    public let specialTokens: [String: UInt32]
    /// Added tokens of tokenizer.json that match in their own way (`lstrip`, `rstrip`, `single_word`), by id.
    public let matching: [UInt32: AddedTokenMatching]

    public init(vocabulary: BPEVocabulary, pattern: SplitPattern, ignoreMerges: Bool = true) {
        self.init(checked: vocabulary, split: .native(pattern), ignoreMerges: ignoreMerges, normalizer: TextNormalizer(), prefixSpace: false,
                  matching: [:])
    }

    /// Throws if the split rule is a regex ICU cannot compile.
    public init(vocabulary: BPEVocabulary, split: PreTokenizer, ignoreMerges: Bool = true, normalizer: TextNormalizer = TextNormalizer(),
                prefixSpace: Bool = false, matching: [UInt32: AddedTokenMatching] = [:]) throws {
        try split.validate()
        self.init(checked: vocabulary, split: split, ignoreMerges: ignoreMerges, normalizer: normalizer, prefixSpace: prefixSpace, matching: matching)
    }

    private init(checked vocabulary: BPEVocabulary, split: PreTokenizer, ignoreMerges: Bool, normalizer: TextNormalizer, prefixSpace: Bool,
                 matching: [UInt32: AddedTokenMatching]) {
        self.matching = matching
        self.vocabulary = vocabulary
        self.split = split
        self.ignoreMerges = ignoreMerges
        self.normalizer = normalizer
        self.prefixSpace = prefixSpace
        model = BPEModel(vocabulary, ignoreMerges: ignoreMerges)
        var specials: [String: UInt32] = [:]
        for special in vocabulary.specials { specials[special.content] = special.id }
        specialTokens = specials
    }

    public var vocabularySize: Int { vocabulary.count }

    /// The native split pattern, unless the tokenizer splits with an ICU regex.
    public var pattern: SplitPattern? {
        if case let .native(pattern) = split { return pattern }
        return nil
    }

    public func makeEncoder(specials: SpecialTokenPolicy) -> any TokenEncoder {
        BPEEncoder(tokenizer: self, policy: specials)
    }

    public func decode(_ ids: [UInt32]) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for id in ids {
            guard Int(id) < vocabulary.tokens.count else {
                throw WinnowError.invalid("token id \(id) is outside the vocabulary (size \(vocabulary.count))")
            }
            out += vocabulary.tokens[Int(id)]
        }
        return out
    }
}

/// One thread's encoder: finds special tokens, splits, and encodes each piece through a cache
/// of pieces already seen (most words of a corpus repeat), so merges run only on new words.
struct BPEEncoder: TokenEncoder {
    /// This thread's own splitter and copy of the model (see `privateCopy`).
    let splitter: PieceSplitter
    let model: BPEModel
    let policy: SpecialTokenPolicy
    /// Added tokens matched in the raw text, and those matched after normalization.
    let specials: SpecialMatcher
    let normalizedSpecials: SpecialMatcher
    private var cache = PieceCache()
    private var scratch = BPEModel.Scratch()

    let normalizer: TextNormalizer
    let prefixSpace: Bool

    init(tokenizer: BPETokenizer, policy: SpecialTokenPolicy) {
        // The rule was validated when the tokenizer was made, so compiling it again cannot fail.
        splitter = try! PieceSplitter(tokenizer.split)
        normalizer = tokenizer.normalizer
        prefixSpace = tokenizer.prefixSpace
        model = tokenizer.model.privateCopy()
        self.policy = policy
        let added = policy == .ordinary ? [] : tokenizer.vocabulary.specials
        let inNormalized = { (token: (content: String, id: UInt32)) in tokenizer.matching[token.id]?.normalized == true }
        specials = SpecialMatcher(added.filter { !inNormalized($0) }, matching: tokenizer.matching)
        let normalizer = tokenizer.normalizer
        normalizedSpecials = SpecialMatcher(added.filter(inNormalized).map { token in
            let bytes = Array(token.content.utf8)
            return (bytes.withUnsafeBufferPointer { String(decoding: normalizer.apply($0), as: UTF8.self) }, token.id)
        }, matching: tokenizer.matching)
    }

    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) throws {
        guard !normalizedSpecials.isEmpty else {
            return try specials.segments(of: text, policy: policy, ids: &ids) { segment, _, ids in encodeOrdinary(segment, into: &ids) }
        }
        var refused: (any Error)?
        try specials.segments(of: text, policy: policy, ids: &ids) { segment, _, ids in
            guard refused == nil else { return }
            let normalized = normalizer.leavesUnchanged(segment) ? Array(segment) : normalizer.apply(segment)
            do {
                try normalized.withUnsafeBufferPointer { text in
                    try normalizedSpecials.segments(of: text, policy: policy, ids: &ids) { piece, _, ids in encodeNormalized(piece, into: &ids) }
                }
            } catch { refused = error }
        }
        if let refused { throw refused }
    }

    private mutating func encodeOrdinary(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        let normalizes = !normalizer.leavesUnchanged(text)
        guard normalizes || (prefixSpace && text.first != nil && text.first != 0x20) else {
            return splitAndEncode(text, into: &ids)
        }
        let normalized = normalizes ? normalizer.apply(text) : Array(text)
        normalized.withUnsafeBufferPointer { encodeNormalized($0, into: &ids) }
    }

    /// Text already normalized: the prefix space, then splitting and merges.
    private mutating func encodeNormalized(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        guard prefixSpace, let first = text.first, first != 0x20 else { return splitAndEncode(text, into: &ids) }
        ([0x20] + Array(text)).withUnsafeBufferPointer { splitAndEncode($0, into: &ids) }
    }

    private mutating func splitAndEncode(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        splitter.pieces(text) { start, end in encodePiece(UnsafeBufferPointer(rebasing: text[start..<end]), into: &ids) }
    }

    @inline(__always)
    private mutating func encodePiece(_ piece: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        if piece.count == 1 {
            model.encode(piece, into: &ids, scratch: &scratch)
            return
        }
        let hash = ByteKeyTable.hash(piece)
        if cache.append(piece, hash: hash, to: &ids) { return }
        let before = ids.count
        model.encode(piece, into: &ids, scratch: &scratch)
        cache.insert(piece, hash: hash, ids: ids, from: before)
    }
}

/// How an added token of tokenizer.json matches (HF's `AddedToken` flags): `lstrip` and
/// `rstrip` make the match reach over the white space on that side, which then belongs to no
/// other piece; `single_word` matches only where no word character (`\w`: letters, marks,
/// decimal digits, `_`) touches it; `normalized` matches the token, itself normalized, in the
/// normalized text between the other added tokens (so `<MASK>` under a Lowercase normalizer
/// matches `<mask>` and `<MASK>` alike), as HF's added vocabulary does in its second pass.
public struct AddedTokenMatching: Sendable, Equatable {
    public var stripLeft = false
    public var stripRight = false
    public var singleWord = false
    public var normalized = false

    public init(stripLeft: Bool = false, stripRight: Bool = false, singleWord: Bool = false, normalized: Bool = false) {
        self.stripLeft = stripLeft
        self.stripRight = stripRight
        self.singleWord = singleWord
        self.normalized = normalized
    }

    /// `\w` as Rust's regex (HF) has it.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return properties.isAlphabetic || scalar.value == 0x200C || scalar.value == 0x200D
        }
    }
}

/// Finds special-token text, leftmost first and longest at one position (as HF's added-token
/// matcher does).
struct SpecialMatcher: Sendable {
    private let tokens: [(bytes: [UInt8], id: UInt32, matching: AddedTokenMatching)]
    private let firstBytes: [Bool]

    var isEmpty: Bool { tokens.isEmpty }

    init(_ specials: [(content: String, id: UInt32)], matching: [UInt32: AddedTokenMatching] = [:]) {
        tokens = specials.map { (Array($0.content.utf8), $0.id, matching[$0.id] ?? AddedTokenMatching()) }.filter { !$0.0.isEmpty }
            .sorted { $0.0.count > $1.0.count }
        var first = [Bool](repeating: false, count: 256)
        for token in tokens { first[Int(token.bytes[0])] = true }
        firstBytes = first
    }

    /// Calls `ordinary` with each stretch of text between special tokens (and whether it starts
    /// the text) and appends each special token's id between them; throws on the first special
    /// token when the policy refuses them.
    @inline(__always)
    func segments(of text: UnsafeBufferPointer<UInt8>, policy: SpecialTokenPolicy, ids: inout [UInt32],
                  _ ordinary: (UnsafeBufferPointer<UInt8>, Bool, inout [UInt32]) -> Void) throws {
        var start = 0
        while let (at, length, id) = first(in: text, from: start) {
            if policy == .refuse {
                let content = String(decoding: text[at..<(at + length)], as: UTF8.self)
                throw WinnowError.invalid("the text holds the special token '\(content)' at byte offset \(at); allow special tokens to encode it as one")
            }
            ordinary(UnsafeBufferPointer(rebasing: text[start..<at]), start == 0, &ids)
            ids.append(id)
            start = at + length
        }
        ordinary(UnsafeBufferPointer(rebasing: text[start...]), start == 0, &ids)
    }

    /// The first special token at or after `from`: its offset, length and id (with the white
    /// space it strips, which never reaches back before `from`). A `single_word` token touching a
    /// word character is passed over, and so is its text (HF's matches do not overlap).
    func first(in text: UnsafeBufferPointer<UInt8>, from: Int) -> (Int, Int, UInt32)? {
        guard !tokens.isEmpty, let base = text.baseAddress else { return nil }
        var i = from
        search: while i < text.count {
            if firstBytes[Int(base[i])] {
                for token in tokens where token.bytes.count <= text.count - i {
                    guard memcmp(base + i, token.bytes, token.bytes.count) == 0 else { continue }
                    var start = i, end = i + token.bytes.count
                    if token.matching.singleWord, touchesWord(text, i, end) {
                        i = end
                        continue search
                    }
                    if token.matching.stripLeft {
                        while start > from, let (scalar, at) = scalar(before: start, in: text, from: from), scalar.properties.isWhitespace {
                            start = at
                        }
                    }
                    if token.matching.stripRight {
                        while end < text.count {
                            let (scalar, length) = DigitSplitter.decode(text, at: end)
                            guard scalar.properties.isWhitespace else { break }
                            end += length
                        }
                    }
                    return (start, end - start, token.id)
                }
            }
            i += 1
        }
        return nil
    }

    /// The character that ends at `end` (not before `from`) and where it starts.
    private func scalar(before end: Int, in text: UnsafeBufferPointer<UInt8>, from: Int) -> (Unicode.Scalar, Int)? {
        guard end > from else { return nil }
        var k = end - 1
        while k > from, text[k] & 0xC0 == 0x80 { k -= 1 }
        return (DigitSplitter.decode(UnsafeBufferPointer(rebasing: text[k..<end]), at: 0).0, k)
    }

    private func touchesWord(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        if let (before, _) = scalar(before: start, in: text, from: 0), AddedTokenMatching.isWordCharacter(before) { return true }
        return end < text.count && AddedTokenMatching.isWordCharacter(DigitSplitter.decode(text, at: end).0)
    }
}
