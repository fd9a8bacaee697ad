import WinnowCore

/// A sentencepiece `.model` file as a tokenizer: the same ids as sentencepiece's `encode` (its
/// normalizer, then its unigram or BPE model, unknown characters as one `<unk>` per run or as
/// `<0xHH>` byte pieces with `byte_fallback`) and the same text back from `decode`.
///
/// Control pieces (`<s>`, `</s>`, …) are the special tokens. sentencepiece never finds them in
/// text; with `SpecialTokenPolicy.ordinary` (the pack stage's default) neither do we, and the ids
/// are sentencepiece's. With `.recognize` their text becomes their id and each stretch of text
/// between them is encoded as sentencepiece would encode it alone.
public struct SentencePieceTokenizer: Tokenizer {
    public enum Algorithm: String, Sendable {
        case unigram, bpe
    }

    enum Model: Sendable {
        /// sentencepiece's Viterbi over the whole sentence, in `Float`.
        case unigram(UnigramModel<Float>)
        /// HF's: each word (cut before each `▁`, as Metaspace splits) on its own, in `Double`.
        case unigramByWord(UnigramModel<Double>)
        case bpe(SentencePieceBPE)
    }

    public let algorithm: Algorithm
    /// The model as read (or trained), for writing it out again.
    let proto: SentencePieceModelProto
    let pieces: [SentencePieceModelProto.Piece]
    let normalizer: SentencePieceNormalizer
    /// The normalization rules' name, for `inspect` (the rules themselves are in the charsmap).
    let normalizerName: String
    let model: Model
    let unknownID: UInt32
    /// The `<0xHH>` piece of each byte, with `byte_fallback`.
    let byteTokens: [UInt32]?
    let userDefined: ByteTrie?
    let unknownSurface: [UInt8]
    public let specialTokens: [String: UInt32]
    let specials: [(content: String, id: UInt32)]
    /// Text always cut out as its own piece before normalizing (HF's non-special added tokens).
    let addedTokens: [(content: String, id: UInt32)]
    /// How HF applies the rules and spaces (read from tokenizer.json), in place of `normalizer`.
    let metaspace: MetaspaceWhitespace?
    let graphemeRules: GraphemeCharsMap?

    public static func read(path: String) throws -> SentencePieceTokenizer {
        try SentencePieceTokenizer(proto: SentencePieceModelProto(bytes: readFile(path), path: path), path: path)
    }

    /// Checks what sentencepiece's loader checks (model_interface.cc `InitializePieces`).
    /// `byWord` segments as HF's Unigram model does (see `Model`), with `addedTokens` cut out of
    /// the text first, as HF's added vocabulary does.
    /// `whitespaceSplit`: HF's `WhitespaceSplit` runs before `Metaspace` (T5's files).
    init(proto: SentencePieceModelProto, path: String, byWord: Bool = false, whitespaceSplit: Bool = false,
         addedTokens: [(content: String, id: UInt32)] = []) throws {
        func fail(_ detail: String) -> WinnowError { .config(path: path, line: nil, detail: detail) }
        self.proto = proto
        pieces = proto.pieces
        guard !pieces.isEmpty else { throw fail("the model has no pieces") }
        switch proto.modelType {
        case .unigram: algorithm = .unigram
        case .bpe: algorithm = .bpe
        case .word, .char: throw fail("model_type \(proto.modelType) is not supported (unigram, bpe)")
        }
        guard !proto.denormalizerRules else { throw fail("denormalizer_spec rules are not supported") }
        var matchable: Set<[UInt8]> = [], reserved: Set<[UInt8]> = []
        var unknown: UInt32?
        var bytes = [UInt32?](repeating: nil, count: 256)
        var specials: [(content: String, id: UInt32)] = []
        var userDefined: [(key: [UInt8], value: Int32)] = []
        for (index, piece) in pieces.enumerated() {
            let id = UInt32(index), text = String(decoding: piece.bytes, as: UTF8.self)
            guard !piece.bytes.isEmpty else { throw fail("piece \(id) is empty") }
            guard !piece.bytes.contains(0) else { throw fail("piece \(id) holds a NUL byte") }
            // Matchable and reserved pieces are two maps in sentencepiece; a string may be in both.
            let isMatchable = [.normal, .userDefined, .unused].contains(piece.type)
            let inserted = isMatchable ? matchable.insert(piece.bytes).inserted : reserved.insert(piece.bytes).inserted
            guard inserted else {
                throw fail("piece \(id) '\(text)' is already defined")
            }
            switch piece.type {
            case .unknown:
                guard unknown == nil else { throw fail("piece \(id) '\(text)' is a second unknown piece") }
                unknown = id
            case .control:
                specials.append((text, id))
            case .userDefined:
                userDefined.append((piece.bytes, Int32(id)))
            case .byte:
                guard proto.byteFallback else { throw fail("byte piece \(id) '\(text)' is found although byte_fallback is false") }
                guard let byte = Self.byteOfPiece(piece.bytes) else { throw fail("byte piece \(id) '\(text)' is not <0xHH>") }
                bytes[Int(byte)] = id
            case .normal, .unused:
                break
            }
        }
        guard let unknown else { throw fail("the model has no unknown piece") }
        if proto.byteFallback {
            guard bytes.allSatisfy({ $0 != nil }) else { throw fail("byte_fallback is set but not all 256 byte pieces <0x00>…<0xFF> are there") }
            byteTokens = bytes.map { $0! }
        } else {
            byteTokens = nil
        }
        unknownID = unknown
        self.addedTokens = addedTokens
        self.userDefined = userDefined.isEmpty ? nil : ByteTrie(userDefined)
        self.specials = specials
        specialTokens = Dictionary(specials.map { ($0.content, $0.id) }, uniquingKeysWith: { first, _ in first })
        unknownSurface = proto.unknownSurface
        let spec = proto.normalizer
        normalizerName = spec.name
        let charsMap = spec.charsMap.isEmpty ? nil : try PrecompiledCharsMap(spec.charsMap, path: path)
        metaspace = byWord ? MetaspaceWhitespace(collapsesSpaces: spec.removeExtraWhitespaces, prepends: spec.addDummyPrefix,
                                                          whitespaceSplit: whitespaceSplit) : nil
        graphemeRules = byWord ? charsMap.map { GraphemeCharsMap(charsMap: $0) } : nil
        normalizer = SentencePieceNormalizer(
            charsMap: charsMap, userDefined: self.userDefined, addDummyPrefix: spec.addDummyPrefix,
            removeExtraWhitespaces: spec.removeExtraWhitespaces, escapeWhitespaces: spec.escapeWhitespaces,
            whitespaceAsSuffix: proto.treatWhitespaceAsSuffix)
        switch algorithm {
        case .unigram:
            // sentencepiece matches normal and user-defined pieces; HF's Unigram every piece of
            // its vocabulary (so `<unk>` written in the text is the unknown piece there).
            let matched = pieces.enumerated().filter { byWord || [.normal, .userDefined].contains($0.element.type) }
                .map { (bytes: $0.element.bytes, id: UInt32($0.offset), score: $0.element.score,
                        userDefined: !byWord && $0.element.type == .userDefined) }
            model = byWord ? .unigramByWord(UnigramModel(pieces: matched)) : .unigram(UnigramModel(pieces: matched))
        case .bpe:
            model = .bpe(try SentencePieceBPE(pieces: pieces, unknownID: unknown, byteTokens: byteTokens, path: path))
        }
    }

    /// The byte of a `<0xHH>` piece (sentencepiece writes the hex digits in upper case).
    static func byteOfPiece(_ bytes: [UInt8]) -> UInt8? {
        guard bytes.count == 6, bytes[0] == 0x3C, bytes[1] == 0x30, bytes[2] == 0x78, bytes[5] == 0x3E else { return nil }
        func digit(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        guard let high = digit(bytes[3]), let low = digit(bytes[4]) else { return nil }
        return high << 4 | low
    }

    public var vocabularySize: Int { pieces.count }

    public func makeEncoder(specials policy: SpecialTokenPolicy) -> any TokenEncoder {
        SentencePieceEncoder(tokenizer: self, policy: policy)
    }

    /// sentencepiece's `decode`: control pieces vanish, the unknown piece becomes " ⁇ " (or the
    /// model's unk_surface), runs of byte pieces become their bytes (a byte that is not part of
    /// a well-formed character: U+FFFD), `▁` becomes a space, and the `▁` the encoder put in front
    /// is dropped (with remove_extra_whitespaces, the leading `▁` of every piece until text
    /// appears, as those spaces were removed when encoding).
    public func decode(_ ids: [UInt32]) throws -> [UInt8] {
        var out: [UInt8] = []
        var pendingBytes: [UInt8] = []
        var atStart = true, startSpaceSeen = false
        for id in ids {
            guard Int(id) < pieces.count else {
                throw WinnowError.invalid("token id \(id) is outside the vocabulary (size \(pieces.count))")
            }
            let piece = pieces[Int(id)]
            if piece.type == .byte {
                pendingBytes.append(Self.byteOfPiece(piece.bytes)!)
                continue
            }
            Self.appendBytes(&pendingBytes, to: &out)
            if startSpaceSeen || !out.isEmpty { atStart = false }
            startSpaceSeen = false
            switch piece.type {
            case .control:
                continue
            case .unknown:
                out += unknownSurface
                continue
            default:
                break
            }
            var start = 0
            let meta = SentencePieceNormalizer.meta
            if atStart, normalizer.addDummyPrefix || normalizer.removeExtraWhitespaces, piece.bytes.starts(with: meta) {
                start = 3
                startSpaceSeen = !normalizer.removeExtraWhitespaces
            }
            MetaspaceTokenizer.appendUnescaped(piece.bytes, from: start, into: &out)
        }
        Self.appendBytes(&pendingBytes, to: &out)
        return out
    }

    /// Appends a run of byte pieces' bytes: well-formed characters as they are, each other byte as U+FFFD.
    private static func appendBytes(_ bytes: inout [UInt8], to out: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBufferPointer { run in
            var i = 0
            while i < run.count {
                let length = UTF8Scan.validLength(run.baseAddress!, i, run.count)
                if length == 0 {
                    out += [0xEF, 0xBF, 0xBD]
                    i += 1
                } else {
                    out += run[i..<(i + length)]
                    i += length
                }
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// One thread's encoder: its own copy of the model, buffers and (for BPE) word cache.
struct SentencePieceEncoder: TokenEncoder {
    let normalizer: SentencePieceNormalizer
    let model: SentencePieceTokenizer.Model
    let unknownID: UInt32
    let byteTokens: [UInt32]?
    let userDefined: ByteTrie?
    let policy: SpecialTokenPolicy
    let specials: SpecialMatcher
    let addedTokens: SpecialMatcher
    let metaspace: MetaspaceWhitespace?
    let graphemeRules: GraphemeCharsMap?
    /// The normalized text (buffers of this encoder's own: an encoder runs on one thread).
    private let normalized = GrowableBuffer<UInt8>()
    private let spaced = GrowableBuffer<UInt8>()
    private var unigramScratch = UnigramModel<Float>.Scratch()
    private var wordScratch = UnigramModel<Double>.Scratch()
    private var bpeScratch = BPEModel.Scratch()
    private var cache = PieceCache()

    init(tokenizer: SentencePieceTokenizer, policy: SpecialTokenPolicy) {
        normalizer = tokenizer.normalizer
        switch tokenizer.model {
        case let .unigram(unigram): model = .unigram(unigram.privateCopy())
        case let .unigramByWord(unigram): model = .unigramByWord(unigram.privateCopy())
        case let .bpe(bpe): model = .bpe(bpe.privateCopy())
        }
        unknownID = tokenizer.unknownID
        byteTokens = tokenizer.byteTokens
        userDefined = tokenizer.userDefined
        self.policy = policy
        specials = SpecialMatcher(policy == .ordinary ? [] : tokenizer.specials)
        addedTokens = SpecialMatcher(tokenizer.addedTokens)
        metaspace = tokenizer.metaspace
        graphemeRules = tokenizer.graphemeRules
    }

    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) throws {
        try specials.segments(of: text, policy: policy, ids: &ids) { segment, _, ids in
            guard !addedTokens.isEmpty else { return encodeSentence(segment, into: &ids) }
            // (`.recognize` never throws.)
            try? addedTokens.segments(of: segment, policy: .recognize, ids: &ids) { part, _, ids in encodeSentence(part, into: &ids) }
        }
    }

    private mutating func encodeSentence(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        normalizeInPlace(text)
        switch model {
        case let .unigram(unigram):
            Self.appendUnigram(unigram, normalized.elements, scratch: &unigramScratch, unknownID: unknownID, byteTokens: byteTokens, into: &ids)
        case let .unigramByWord(unigram):
            let text = normalized.elements
            var start = 0
            for i in 0...text.count where i == text.count || (i > start && Self.startsWithSpace(text, i)) {
                Self.appendUnigram(unigram, UnsafeBufferPointer(rebasing: text[start..<i]), scratch: &wordScratch, unknownID: unknownID,
                                   byteTokens: byteTokens, into: &ids)
                start = i
            }
        case let .bpe(bpe): encodeBPE(bpe, normalized.elements, into: &ids)
        }
    }

    @inline(__always)
    private static func startsWithSpace(_ text: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        i + 2 < text.count && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81
    }

    /// Unknown pieces become their bytes' pieces with byte fallback; otherwise a run of them is
    /// one unknown id (sentencepiece_processor.cc merges them).
    private static func appendUnigram<Score>(_ unigram: UnigramModel<Score>, _ text: UnsafeBufferPointer<UInt8>,
                                             scratch: inout UnigramModel<Score>.Scratch, unknownID: UInt32, byteTokens: [UInt32]?,
                                             into ids: inout [UInt32]) {
        var previousUnknown = false
        unigram.segment(text, scratch: &scratch) { id, start, end in
            appendPiece(id, text[start..<end], previousUnknown: &previousUnknown, unknownID: unknownID, byteTokens: byteTokens, into: &ids)
        }
    }

    /// Appends the id of one piece of a unigram segmentation: an unknown node becomes its bytes'
    /// pieces with byte fallback, else the unknown id once per run.
    @inline(__always)
    static func appendPiece(_ id: UInt32, _ bytes: Slice<UnsafeBufferPointer<UInt8>>, previousUnknown: inout Bool, unknownID: UInt32,
                            byteTokens: [UInt32]?, into ids: inout [UInt32]) {
        guard id == UnigramModel<Float>.unknownNode else {
            ids.append(id)
            previousUnknown = false
            return
        }
        if let byteTokens {
            for byte in bytes { ids.append(byteTokens[Int(byte)]) }
        } else if !previousUnknown {
            ids.append(unknownID)
        }
        previousUnknown = true
    }

    /// The normalized form of `text`, as encoding sees it.
    mutating func normalize(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        normalizeInPlace(text)
        return Array(normalized.elements)
    }

    /// Normalizes `text` into `normalized`: sentencepiece's normalizer, or HF's way (the rules
    /// by grapheme cluster, then Strip, Replace and Metaspace) for a tokenizer.json.
    private func normalizeInPlace(_ text: UnsafeBufferPointer<UInt8>) {
        if let metaspace {
            if let graphemeRules {
                graphemeRules.normalize(text, into: spaced)
                metaspace.apply(spaced.elements, into: normalized)
            } else {
                metaspace.apply(text, into: normalized)
            }
        } else {
            normalizer.normalize(text, into: normalized)
        }
    }

    /// User-defined pieces are cut out first (sentencepiece freezes them: they never merge),
    /// then each stretch between them is merged, word by word when no merge can cross a `▁`.
    private mutating func encodeBPE(_ bpe: SentencePieceBPE, _ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        var previousUnknown = false
        var runStart = 0, i = 0
        if let userDefined {
            while i < text.count {
                if let (length, id) = userDefined.longestPrefix(text, from: i) {
                    encodeRun(bpe, UnsafeBufferPointer(rebasing: text[runStart..<i]), previousUnknown: &previousUnknown, into: &ids)
                    ids.append(UInt32(id))
                    previousUnknown = false
                    i += length
                    runStart = i
                } else {
                    i += min(UTF8Scan.leadLength(text[i]), text.count - i)
                }
            }
        }
        encodeRun(bpe, UnsafeBufferPointer(rebasing: text[runStart...]), previousUnknown: &previousUnknown, into: &ids)
    }

    private mutating func encodeRun(_ bpe: SentencePieceBPE, _ run: UnsafeBufferPointer<UInt8>, previousUnknown: inout Bool,
                                    into ids: inout [UInt32]) {
        guard !run.isEmpty else { return }
        guard bpe.splitsWords else {
            let before = ids.count
            bpe.model.encodeCharacters(run, fallback: bpe.fallback, into: &ids, scratch: &bpeScratch)
            fuseUnknown(at: before, previousUnknown: &previousUnknown, ids: &ids)
            return
        }
        var wordStart = 0
        var i = 1
        while i <= run.count {
            if i == run.count || (i + 2 < run.count && run[i] == 0xE2 && run[i + 1] == 0x96 && run[i + 2] == 0x81) {
                let word = UnsafeBufferPointer(rebasing: run[wordStart..<i])
                let before = ids.count
                let hash = ByteKeyTable.hash(word)
                if !cache.append(word, hash: hash, to: &ids) {
                    bpe.model.encodeCharacters(word, fallback: bpe.fallback, into: &ids, scratch: &bpeScratch)
                    cache.insert(word, hash: hash, ids: ids, from: before)
                }
                fuseUnknown(at: before, previousUnknown: &previousUnknown, ids: &ids)
                wordStart = i
            }
            i += 1
        }
    }

    /// Drops the unknown id at `at` when the id before it is unknown too (a run of unknown
    /// characters is one unknown piece), and notes whether the ids now end with one.
    @inline(__always)
    private func fuseUnknown(at index: Int, previousUnknown: inout Bool, ids: inout [UInt32]) {
        guard index < ids.count else { return }
        if previousUnknown, ids[index] == unknownID { ids.remove(at: index) }
        // A word that was only that unknown id leaves the run going.
        if index < ids.count { previousUnknown = ids.last == unknownID }
    }
}
