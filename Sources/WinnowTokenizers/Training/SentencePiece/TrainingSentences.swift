import Dispatch
import Synchronization
import WinnowCore

/// The training text as sentencepiece's trainer sees it (trainer_interface.cc `LoadSentences`):
/// every line of the corpus normalized (so spaces are `▁`, with the dummy prefix), the text of
/// meta pieces (`<unk>`, `<s>`, user-defined and control symbols) replaced by a boundary so no
/// piece learns across it, and every character outside the `character_coverage` most frequent
/// ones replaced by the unknown character. Kept as one array of symbols, 2 bytes a character:
/// 0 ends a sentence, 1 is the unknown character, and 2… are the kept characters, most frequent
/// first.
struct TrainingSentences {
    /// The symbols, each sentence followed by a 0.
    var text: [UInt16]
    /// The kept characters (`required_chars`) by symbol − 2, most frequent first, and their counts.
    var characters: [UInt32]
    var characterCounts: [Int64]
    /// The symbol of `▁` (U+2581), if it occurs.
    var spaceSymbol: UInt16?
    var sentences = 0
    /// Lines skipped as sentencepiece skips them: longer than `max_sentence_length` bytes, or
    /// holding the unknown character U+2585 itself.
    var tooLong = 0
    var reservedCharacter = 0
    /// What reading counted (documents, bytes, rejected lines).
    var reading = TaskStats()

    static let boundary: UInt16 = 0, unknown: UInt16 = 1
    static let unknownCharacter: UInt32 = 0x2585
    /// sentencepiece caps the alphabet's symbols at what 2 bytes hold.
    static let maxCharacters = Int(UInt16.max) - 2

    /// The UTF-8 of each symbol (boundary: empty; unknown: `▅`).
    func symbolUTF8() -> [[UInt8]] {
        [[], CharsMapCompiler.utf8([Self.unknownCharacter])] + characters.map { CharsMapCompiler.utf8([$0]) }
    }

    init(corpus: TextCorpus, normalizer: SentencePieceNormalizer, metaPieces: [String], coverage: Double,
         maxSentenceLength: Int, threads: Int) throws {
        let loaded = try Self.normalizeAll(corpus, normalizer: normalizer, metaPieces: metaPieces,
                                           maxSentenceLength: maxSentenceLength, threads: threads)
        sentences = loaded.parts.reduce(0) { $0 + $1.sentences }
        tooLong = loaded.parts.reduce(0) { $0 + $1.tooLong }
        reservedCharacter = loaded.parts.reduce(0) { $0 + $1.reserved }
        reading = loaded.reading

        // Character counts, then the most frequent until the coverage is reached (the tab that
        // stands for meta pieces is never kept).
        var counts = [Int64](repeating: 0, count: 0x110000)
        var total: Int64 = 0
        for part in loaded.parts {
            part.bytes.withUnsafeBufferPointer { bytes in
                var i = 0
                while i < bytes.count {
                    let (code, length) = Self.decode(bytes, i)
                    if code != 0x0A { counts[Int(code)] += 1; total += 1 }
                    i += length
                }
            }
        }
        let seen = (0..<counts.count).filter { counts[$0] > 0 }.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        var kept: [UInt32] = [], keptCounts: [Int64] = []
        var accumulated: Int64 = 0
        for code in seen {
            if Double(accumulated) / Double(max(total, 1)) >= coverage { break }
            accumulated += counts[code]
            if code == 0x09 { continue }
            kept.append(UInt32(code))
            keptCounts.append(counts[code])
        }
        guard kept.count <= Self.maxCharacters else {
            throw WinnowError.invalid("\(kept.count) characters are needed for coverage \(coverage), more than \(Self.maxCharacters); lower --character-coverage")
        }
        characters = kept
        characterCounts = keptCounts
        var symbolOf = [UInt16](repeating: Self.unknown, count: 0x110000)
        for (k, code) in kept.enumerated() { symbolOf[Int(code)] = UInt16(k + 2) }
        spaceSymbol = symbolOf[0x2581] == Self.unknown ? nil : symbolOf[0x2581]

        // Sentences are stored in `parts` as normalized UTF-8 ending in \n; now as symbols.
        var text: [UInt16] = []
        text.reserveCapacity(Int(total) + sentences + 1)
        for part in loaded.parts {
            part.bytes.withUnsafeBufferPointer { bytes in
                var i = 0
                while i < bytes.count {
                    let (code, length) = Self.decode(bytes, i)
                    text.append(code == 0x0A ? Self.boundary : symbolOf[Int(code)])
                    i += length
                }
            }
        }
        self.text = text
    }

    /// The code point at `i` of valid UTF-8 and its length.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32, Int) {
        let (scalar, length) = DigitSplitter.decode(bytes, at: i)
        return (scalar.value, length)
    }

    private struct Part {
        var bytes: [UInt8] = []
        var sentences = 0
        var tooLong = 0
        var reserved = 0
    }

    /// Normalizes the corpus's lines on `threads` threads, keeping the corpus order.
    private static func normalizeAll(_ corpus: TextCorpus, normalizer: SentencePieceNormalizer, metaPieces: [String],
                                     maxSentenceLength: Int, threads: Int) throws -> (parts: [Part], reading: TaskStats) {
        let batches = corpus.batches()
        let next = Mutex(0)
        let done = Mutex<[(Int, Part)]>([])
        let failure = Mutex<(any Error)?>(nil)
        let matcher = SpecialMatcher(metaPieces.map { (content: $0, id: UInt32(0)) })
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
            let normalized = GrowableBuffer<UInt8>()
            var unused: [UInt32] = []
            do {
                while let (index, batch) = try next.withLock({ n -> (Int, TextBatch)? in
                    guard let batch = try batches.next() else { return nil }
                    defer { n += 1 }
                    return (n, batch)
                }) {
                    var part = Part()
                    batch.bytes.withUnsafeBufferPointer { all in
                        for k in 0..<batch.count {
                            for line in all[batch.range(k)].split(separator: 0x0A) {
                                var line = UnsafeBufferPointer(rebasing: line)
                                if line.last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
                                if line.isEmpty { continue }
                                if line.count > maxSentenceLength { part.tooLong += 1; continue }
                                if contains(line, [0xE2, 0x96, 0x85]) { part.reserved += 1; continue }
                                normalizer.normalize(line, into: normalized)
                                if normalized.count == 0 { continue }
                                // Meta pieces' text becomes a tab (a boundary no piece crosses).
                                // (`.recognize` never throws.)
                                try? matcher.segments(of: normalized.elements, policy: .recognize, ids: &unused) { text, atStart, _ in
                                    if !atStart { part.bytes.append(0x09) }
                                    part.bytes.append(contentsOf: text)
                                }
                                unused.removeAll(keepingCapacity: true)
                                part.bytes.append(0x0A)
                                part.sentences += 1
                            }
                        }
                    }
                    done.withLock { $0.append((index, part)) }
                }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let parts = done.withLock { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
        return (parts, try batches.finish())
    }

    private static func contains(_ text: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard text.count >= needle.count else { return false }
        for i in 0...(text.count - needle.count) where text[i] == needle[0] && text[i + 1] == needle[1] && text[i + 2] == needle[2] {
            return true
        }
        return false
    }
}
