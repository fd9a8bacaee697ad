import WinnowCore

/// Trains a sentencepiece model the way sentencepiece's trainer does (trainer_interface.cc),
/// with its defaults. `unigram` (unigram_model_trainer.cc): seed pieces from the corpus's
/// frequent substrings, then rounds of EM (2 sub-iterations, Bayesian M step) each followed by
/// pruning to 75 % until 1.1 × the vocabulary is left, then the kept characters plus the best
/// pieces. `bpe`: merges of characters within words by pair count (HF's procedure: highest
/// count, then smallest pair of ids) under the same piece rules, scored −rank, then the kept
/// characters (sentencepiece's BPE trainer picks pairs among an active set it refreshes every
/// 100 merges, so its merges can differ).
///
/// Deterministic: the same corpus and options give the same model on any number of threads.
public struct SentencePieceTrainer: Sendable {
    public var algorithm = SentencePieceTokenizer.Algorithm.unigram
    public var vocabSize: Int
    public var characterCoverage = 0.9995
    public var maxPieceLength = 16
    public var seedSize = 1_000_000
    public var shrinkingFactor = 0.75
    public var subIterations = 2
    public var splitByWhitespace = true
    public var splitByUnicodeScript = true
    public var splitByNumber = true
    public var splitDigits = false
    /// Adds the 256 `<0xHH>` pieces, so unknown characters encode as their bytes.
    public var byteFallback = false
    /// Pieces always matched whole in text (ids after the control symbols).
    public var userDefinedSymbols: [String] = []
    /// Pieces never produced from text (`<sep>`, `<cls>`, …), for the model's own use.
    public var controlSymbols: [String] = []
    /// Ids of `<unk>` (required), `<s>`, `</s>` and `<pad>`; −1 leaves one out.
    public var unknownID = 0, beginID = 1, endID = 2, padID = -1
    public var unknownPiece = "<unk>", beginPiece = "<s>", endPiece = "</s>", padPiece = "<pad>"
    public var normalization = NormalizationRules.nmtNFKC
    public var addDummyPrefix = true
    public var removeExtraWhitespaces = true
    /// Lines longer than this many bytes are skipped (sentencepiece's `max_sentence_length`).
    public var maxSentenceLength = 4192
    public var threads = availableCores

    public init(vocabSize: Int) {
        self.vocabSize = vocabSize
    }

    /// What training did, for the command line and the stage's counters.
    public struct Report: Sendable {
        public var sentences = 0
        public var skippedTooLong = 0
        public var skippedReserved = 0
        public var characters = 0
        public var seeds = 0
        public var words = 0
        public var rounds: [String] = []
        public var reading = TaskStats()
    }

    /// Trains on `corpus` (each line of a text file, or each line of a document's text, is a
    /// sentence), calling `progress` with a line per EM step.
    public func train(_ corpus: TextCorpus, progress: (String) -> Void = { _ in }) throws -> (SentencePieceTokenizer, Report) {
        try check()
        let meta = try metaPieces()
        let rules = normalization.compiled
        let normalizer = SentencePieceNormalizer(
            charsMap: rules.isEmpty ? nil : try PrecompiledCharsMap(rules, path: "\(normalization.rawValue) rules"),
            userDefined: nil, addDummyPrefix: addDummyPrefix, removeExtraWhitespaces: removeExtraWhitespaces,
            escapeWhitespaces: true, whitespaceAsSuffix: false)
        var sentences = try TrainingSentences(corpus: corpus, normalizer: normalizer, metaPieces: meta.compactMap { $0?.piece },
                                              coverage: characterCoverage, maxSentenceLength: maxSentenceLength, threads: threads)
        var report = Report(sentences: sentences.sentences, skippedTooLong: sentences.tooLong, skippedReserved: sentences.reservedCharacter,
                            characters: sentences.characters.count, reading: sentences.reading)
        guard sentences.sentences > 0 else { throw WinnowError.invalid("the corpus has no text to train on") }
        let metaCount = meta.lazy.filter { $0 != nil }.count
        guard sentences.characters.count + metaCount <= vocabSize else {
            throw WinnowError.invalid("""
                vocabulary size \(vocabSize) is smaller than the \(sentences.characters.count) characters that coverage \
                \(characterCoverage) keeps plus \(metaCount) meta pieces; raise --vocab-size or lower --character-coverage
                """)
        }
        let pieceRules = PieceRules(maxLength: maxPieceLength, splitByWhitespace: splitByWhitespace,
                                    splitByUnicodeScript: splitByUnicodeScript, splitByNumber: splitByNumber, splitDigits: splitDigits)
        if algorithm == .bpe {
            let words = wordCounts(sentences)
            report.words = words.distinctWords
            let pieces = Self.bpePieces(words, characters: sentences.characters, rules: pieceRules, size: vocabSize - metaCount)
            progress("\(sentences.sentences) sentences, \(sentences.characters.count) characters kept, \(pieces.count - sentences.characters.count) merges")
            guard pieces.count == vocabSize - metaCount else {
                throw WinnowError.invalid("vocabulary size \(vocabSize) is too large for this corpus; at most \(pieces.count + metaCount) pieces can be learned")
            }
            return (try SentencePieceTokenizer(proto: modelProto(meta: meta, pieces: pieces, charsMap: rules), path: "trained model"), report)
        }
        let seeds = SeedPieces.make(sentences, rules: pieceRules, seedSize: seedSize, threads: threads)
        report.seeds = seeds.count
        progress("\(sentences.sentences) sentences, \(sentences.characters.count) characters kept, \(seeds.count) seed pieces")
        let words = wordCounts(sentences)
        let required = sentences.characters.map { CharsMapCompiler.utf8([$0]) }
        sentences.text = []
        report.words = words.distinctWords
        let em = UnigramEM(words: words, threads: threads)

        var model = TrainerPieces(seeds)
        let desired = Int(Double(vocabSize) * 1.1)
        while true {
            for step in 0..<subIterations {
                let (expected, objective) = em.expectation(model)
                model = TrainerPieces(UnigramEM.maximization(model, expected: expected))
                let line = "EM step \(step): \(model.count) pieces, negative log-likelihood per word \(objective)"
                report.rounds.append(line)
                progress(line)
            }
            if model.count <= desired { break }
            model = TrainerPieces(em.prune(model, desired: desired, shrinking: shrinkingFactor))
        }
        let final = finalPieces(model, required: required, size: vocabSize - metaCount)
        guard final.count == vocabSize - metaCount else {
            throw WinnowError.invalid("vocabulary size \(vocabSize) is too large for this corpus; at most \(final.count + metaCount) pieces can be learned")
        }
        let proto = modelProto(meta: meta, pieces: final, charsMap: rules)
        return (try SentencePieceTokenizer(proto: proto, path: "trained model"), report)
    }

    private func check() throws {
        func fail(_ what: String) -> WinnowError { .invalid("unigram training: \(what)") }
        guard vocabSize > 0 else { throw fail("the vocabulary size must be positive") }
        guard (0.98...1.0).contains(characterCoverage) else { throw fail("character coverage must be between 0.98 and 1") }
        guard (1...255).contains(maxPieceLength) else { throw fail("the maximum piece length must be between 1 and 255") }
        guard (0.5...0.95).contains(shrinkingFactor) else { throw fail("the shrinking factor must be between 0.5 and 0.95") }
        guard (1...10).contains(subIterations) else { throw fail("EM sub-iterations must be between 1 and 10") }
        guard seedSize >= 1000 else { throw fail("the seed size must be at least 1000") }
    }

    /// The pieces with fixed ids (trainer_interface.cc `InitMetaPieces`): `<unk>`, `<s>`,
    /// `</s>`, `<pad>` at their ids, then control symbols, user-defined symbols and (with byte
    /// fallback) the 256 byte pieces at the lowest free ids. Nil: an id for learned pieces.
    func metaPieces() throws -> [(piece: String, type: SentencePieceModelProto.PieceType)?] {
        var meta = [(piece: String, type: SentencePieceModelProto.PieceType)?](repeating: nil, count: vocabSize)
        func place(_ id: Int, _ piece: String, _ type: SentencePieceModelProto.PieceType) throws {
            guard id >= 0 else { return }
            guard id < vocabSize, meta[id] == nil else { throw WinnowError.invalid("the id \(id) of '\(piece)' is taken or outside the vocabulary") }
            meta[id] = (piece, type)
        }
        guard unknownID >= 0 else { throw WinnowError.invalid("the unknown piece must have an id") }
        try place(unknownID, unknownPiece, .unknown)
        try place(beginID, beginPiece, .control)
        try place(endID, endPiece, .control)
        try place(padID, padPiece, .control)
        var seen = Set<String>()
        var next = 0
        let bytes = byteFallback ? (0..<256).map { "<0x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) + ">" } : []
        for (symbols, type) in [(controlSymbols, SentencePieceModelProto.PieceType.control), (userDefinedSymbols, .userDefined), (bytes, .byte)] {
            for piece in symbols {
                guard !piece.isEmpty, seen.insert(piece).inserted, piece != unknownPiece else {
                    throw WinnowError.invalid("the symbol '\(piece)' is empty, given twice or the unknown piece")
                }
                if let k = [(beginID, beginPiece), (endID, endPiece), (padID, padPiece)].first(where: { $0.0 >= 0 && $0.1 == piece })?.0 {
                    meta[k]!.type = type
                    continue
                }
                while next < vocabSize, meta[next] != nil { next += 1 }
                guard next < vocabSize else { throw WinnowError.invalid("the vocabulary size \(vocabSize) cannot hold the meta pieces") }
                meta[next] = (piece, type)
            }
        }
        return meta
    }

    /// The corpus's words (a new one at each `▁`, with `split_by_whitespace`) with their counts.
    private func wordCounts(_ sentences: TrainingSentences) -> WordCounts {
        let utf8 = sentences.symbolUTF8()
        var words = WordCounts()
        var word: [UInt8] = []
        let space = splitByWhitespace ? sentences.spaceSymbol : nil
        func flush() {
            if !word.isEmpty { word.withUnsafeBufferPointer { words.add($0) } }
            word.removeAll(keepingCapacity: true)
        }
        for symbol in sentences.text {
            if symbol == TrainingSentences.boundary {
                flush()
                continue
            }
            if symbol == space { flush() }
            word += utf8[Int(symbol)]
        }
        flush()
        return words
    }

    /// sentencepiece's `FinalizeSentencePieces`: every kept character (its score, or just below
    /// the lowest score, rarer characters lower), then the best-scoring pieces, ordered by score.
    private func finalPieces(_ model: TrainerPieces, required: [[UInt8]], size: Int) -> [(piece: [UInt8], score: Double)] {
        var scoreOf: [[UInt8]: Double] = [:]
        for (piece, score) in zip(model.pieces, model.scores) { scoreOf[piece] = score }
        var final: [[UInt8]: Double] = [:]
        var penalty = 0.0
        for character in required {
            if let score = scoreOf[character] {
                final[character] = score
            } else {
                final[character] = model.minScore + penalty
                penalty += 0.0001
            }
        }
        for (piece, score) in Self.sorted(model.entries) where final[piece] == nil {
            if final.count >= size { break }
            final[piece] = score
        }
        return Self.sorted(final.map { ($0.key, $0.value) })
    }

    /// BPE pieces: merges learned over the words' characters (kept characters only; the unknown
    /// character never joins, and pairs the piece rules refuse are never counted), scored by
    /// rank (0, −1, −2, …), then the kept characters with the next scores, most frequent first.
    static func bpePieces(_ words: WordCounts, characters: [UInt32], rules: PieceRules, size: Int) -> [(piece: [UInt8], score: Double)] {
        let classes = PieceRules.classes(of: characters)
        let unknown = UInt32(characters.count)
        // Per token: its characters as `TrainingSentences` symbols (for the rules) and its bytes.
        var symbolsOf: [[UInt16]] = characters.indices.map { [UInt16($0 + 2)] } + [[TrainingSentences.unknown]]
        var bytesOf: [[UInt8]] = characters.map { CharsMapCompiler.utf8([$0]) } + [CharsMapCompiler.utf8([TrainingSentences.unknownCharacter])]
        var idOfBytes: [[UInt8]: UInt32] = [:]
        for (id, bytes) in bytesOf.enumerated() { idOfBytes[bytes] = UInt32(id) }
        var idOfCode: [UInt32: UInt32] = [:]
        for (id, code) in characters.enumerated() { idOfCode[code] = UInt32(id) }
        let symbols: [[UInt32]] = (0..<words.counts.count).map { w in
            let word = Array(words.table.key(w))
            var ids: [UInt32] = []
            word.withUnsafeBufferPointer { bytes in
                var i = 0
                while i < bytes.count {
                    let (code, length) = TrainingSentences.decode(bytes, i)
                    ids.append(idOfCode[code] ?? unknown)
                    i += length
                }
            }
            return ids
        }
        var verdicts: [UInt64: Bool] = [:]
        let allows = { (left: UInt32, right: UInt32) -> Bool in
            guard left != unknown, right != unknown else { return false }
            let key = UInt64(left) << 32 | UInt64(right)
            if let known = verdicts[key] { return known }
            let verdict = (symbolsOf[Int(left)] + symbolsOf[Int(right)]).withUnsafeBufferPointer { piece in
                classes.withUnsafeBufferPointer { rules.allows(piece, classes: $0) }
            }
            verdicts[key] = verdict
            return verdict
        }
        var state = MergeState(symbols: symbols, counts: words.counts, allows: allows)
        var learned: [[UInt8]] = []
        while learned.count + characters.count < size, let (pair, positions) = state.popBest(minimum: 1) {
            let left = UInt32(truncatingIfNeeded: pair >> 32), right = UInt32(truncatingIfNeeded: pair)
            let bytes = bytesOf[Int(left)] + bytesOf[Int(right)]
            let result: UInt32
            if let existing = idOfBytes[bytes] {
                result = existing
            } else {
                result = UInt32(bytesOf.count)
                bytesOf.append(bytes)
                symbolsOf.append(symbolsOf[Int(left)] + symbolsOf[Int(right)])
                idOfBytes[bytes] = result
                learned.append(bytes)
            }
            state.apply(left: left, right: right, result: result, in: positions, length: { symbolsOf[Int($0)].count }, limit: .max,
                        allows: allows)
        }
        return learned.enumerated().map { ($0.element, -Double($0.offset)) }
            + characters.enumerated().map { (CharsMapCompiler.utf8([$0.element]), -Double(learned.count + $0.offset)) }
    }

    /// By score, highest first, then by bytes (sentencepiece's `Sorted`).
    static func sorted(_ pieces: [(piece: [UInt8], score: Double)]) -> [(piece: [UInt8], score: Double)] {
        pieces.sorted { $0.score != $1.score ? $0.score > $1.score : $0.piece.lexicographicallyPrecedes($1.piece) }
    }

    /// The model as sentencepiece writes it: meta pieces at their ids, learned pieces in the
    /// other ids by score, the options in `trainer_spec` and the rules in `normalizer_spec`.
    private func modelProto(meta: [(piece: String, type: SentencePieceModelProto.PieceType)?],
                            pieces: [(piece: [UInt8], score: Double)], charsMap: [UInt8]) -> SentencePieceModelProto {
        var proto = SentencePieceModelProto()
        var learned = pieces.makeIterator()
        for slot in meta {
            if let slot {
                proto.pieces.append(.init(bytes: Array(slot.piece.utf8), score: 0, type: slot.type))
            } else if let next = learned.next() {
                proto.pieces.append(.init(bytes: next.piece, score: Float(next.score), type: .normal))
            }
        }
        proto.modelType = algorithm == .bpe ? .bpe : .unigram
        proto.byteFallback = byteFallback
        proto.normalizer = .init(name: normalization.rawValue, charsMap: charsMap, addDummyPrefix: addDummyPrefix,
                                 removeExtraWhitespaces: removeExtraWhitespaces, escapeWhitespaces: true)
        func int(_ number: Int, _ value: Int) { proto.trainerSpec.append((number, .varint(UInt64(bitPattern: Int64(value))))) }
        func bool(_ number: Int, _ value: Bool) { int(number, value ? 1 : 0) }
        func float(_ number: Int, _ value: Double) { proto.trainerSpec.append((number, .fixed32(Float(value).bitPattern))) }
        func string(_ number: Int, _ value: String) { proto.trainerSpec.append((number, .bytes(Array(value.utf8)))) }
        int(3, algorithm == .bpe ? 2 : 1) // model_type
        int(4, vocabSize)
        float(10, characterCoverage)
        int(14, seedSize)
        float(15, shrinkingFactor)
        int(17, subIterations)
        int(18, maxSentenceLength)
        int(20, maxPieceLength)
        bool(21, splitByUnicodeScript)
        bool(22, splitByWhitespace)
        bool(23, splitByNumber)
        bool(25, splitDigits)
        for symbol in controlSymbols { string(30, symbol) }
        for symbol in userDefinedSymbols { string(31, symbol) }
        bool(35, byteFallback)
        int(40, unknownID)
        int(41, beginID)
        int(42, endID)
        int(43, padID)
        string(45, unknownPiece)
        string(46, beginPiece)
        string(47, endPiece)
        string(48, padPiece)
        return proto
    }
}
