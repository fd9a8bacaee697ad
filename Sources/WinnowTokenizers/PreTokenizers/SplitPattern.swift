import WinnowCore

/// The fixed split patterns of byte-level BPE tokenizers, each a hand-written scanner that
/// yields exactly the pieces the regex yields (leftmost-first alternation, greedy quantifiers
/// with backtracking, as Python's `regex`, Oniguruma and fancy-regex run them). A general regex
/// engine spends most of an encoder's time here (tokenizers.md §0.6); these scanners do not
/// backtrack except where the regex would, and then only over one run.
public enum SplitPattern: String, Sendable, CaseIterable {
    /// GPT-2 (HF `ByteLevel(use_regex: true)`, tiktoken r50k/p50k/gpt2).
    case gpt2
    /// GPT-4's cl100k_base as tiktoken 0.14 ships it (possessive form, `\s++$`). Its regex is
    /// written with `\p{N}{1,3}` where tiktoken has `\p{N}{1,3}+`: the same in tiktoken's
    /// engine, but Oniguruma (HF) reads `{1,3}+` as a repeated group and would not cap digit runs.
    case cl100k
    /// GPT-4o's o200k_base.
    case o200k
    /// Llama 3: cl100k's original form. It differs from `cl100k` only on white space that ends
    /// the text and holds a line break: cl100k keeps the whole run, Llama 3 splits after the
    /// last line break.
    case llama3
    /// Qwen 2 and 2.5: Llama 3's pattern with single digits (`\p{N}` for `\p{N}{1,3}`).
    case qwen2

    /// The pattern as a regex, for tokenizer.json's `Split` and for tiktoken.
    public var regex: String {
        switch self {
        case .gpt2:
            return #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
        case .cl100k:
            return #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"#
        case .o200k:
            return [
                #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
                #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
                #"\p{N}{1,3}"#,
                #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#,
                #"\s*[\r\n]+"#,
                #"\s+(?!\S)"#,
                #"\s+"#,
            ].joined(separator: "|")
        case .llama3:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        case .qwen2:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        }
    }

    /// The pattern whose regex is `regex`, if it is one of ours (tokenizer.json import). GPT-2
    /// and cl100k are also recognised in tiktoken's own spellings.
    public init?(regex: String) {
        switch regex {
        case #"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"#:
            self = .gpt2
            return
        case #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"#:
            self = .cl100k
            return
        default:
            break
        }
        guard let match = SplitPattern.allCases.first(where: { $0.regex == regex }) else { return nil }
        self = match
    }

    /// Calls `body` with the end offset of each piece of `text`, in order; piece k is
    /// `[end(k-1), end(k))`. Every byte is in exactly one piece.
    @inline(__always)
    public func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        split(text, classes: ScalarClass.basicPlane, body)
    }

    /// `split` with the class table given (encoders pass their own copy, see `privateCopy`).
    @inline(__always)
    func split(_ text: UnsafeBufferPointer<UInt8>, classes: [UInt8], _ body: (Int) -> Void) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        classes.withUnsafeBufferPointer { table in
            let reader = ScalarReader(base: base, count: text.count, table: table.baseAddress!)
            var i = 0
            while i < text.count {
                switch self {
                case .gpt2: i = reader.gpt2Piece(at: i)
                case .cl100k: i = reader.cl100kPiece(at: i, wholeTrailingSpace: true, digits: 3)
                case .llama3: i = reader.cl100kPiece(at: i, wholeTrailingSpace: false, digits: 3)
                case .qwen2: i = reader.cl100kPiece(at: i, wholeTrailingSpace: false, digits: 1)
                case .o200k: i = reader.o200kPiece(at: i)
                }
                body(i)
            }
        }
    }

    /// The pieces of `text` as byte ranges (tests and `inspect`; encoders use `split`).
    public func pieces(_ text: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        text.withUnsafeBufferPointer { buffer in
            split(buffer) { end in
                ranges.append(start..<end)
                start = end
            }
        }
        return ranges
    }
}

extension ScalarReader {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    func gpt2Piece(at i: Int) -> Int {
        if let end = contraction(at: i, ignoringCase: false) { return end }
        var c = scalar(at: i).0
        var start = i
        if base[i] == 0x20, i + 1 < count {
            let next = scalar(at: i + 1).0
            if !next.contains(.space) { start = i + 1; c = next }
        }
        if c.contains(.letter) { return run(from: start) { $0.contains(.letter) } }
        if c.contains(.number) { return run(from: start) { $0.contains(.number) } }
        if c.isDisjoint(with: .wordish) { return run(from: start) { $0.isDisjoint(with: .wordish) } }
        return whitespacePiece(at: i, lineBreaks: false)
    }

    /// cl100k (`wholeTrailingSpace`), Llama 3 and Qwen 2 (`digits` 1):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    func cl100kPiece(at i: Int, wholeTrailingSpace: Bool, digits: Int) -> Int {
        if let end = contraction(at: i, ignoringCase: true) { return end }
        let (c, len) = scalar(at: i)
        if c.contains(.letter) { return run(from: i) { $0.contains(.letter) } }
        if c.isDisjoint(with: [.newline, .letter, .number]), classAt(i + len).contains(.letter) {
            return run(from: i + len) { $0.contains(.letter) }
        }
        if c.contains(.number) { return numberRun(at: i, limit: digits) }
        if let end = punctuationPiece(at: i, trailing: { $0 == 0x0D || $0 == 0x0A }) { return end }
        if wholeTrailingSpace {
            let end = run(from: i) { $0.contains(.space) }
            if end == count { return end }
        }
        return whitespacePiece(at: i, lineBreaks: true)
    }

    /// o200k: two letter alternatives split at case changes, then as cl100k with `/` allowed
    /// after punctuation.
    func o200kPiece(at i: Int) -> Int {
        let (c, len) = scalar(at: i)
        let prefixes = c.isDisjoint(with: [.newline, .letter, .number]) ? [len, 0] : [0]
        for prefix in prefixes {
            if let end = caseWord(at: i + prefix, upperFirst: false) { return end }
        }
        for prefix in prefixes {
            if let end = caseWord(at: i + prefix, upperFirst: true) { return end }
        }
        if c.contains(.number) { return numberRun(at: i, limit: 3) }
        if let end = punctuationPiece(at: i, trailing: { $0 == 0x0D || $0 == 0x0A || $0 == 0x2F }) { return end }
        return whitespacePiece(at: i, lineBreaks: true)
    }

    /// o200k's `U*W+C?` (`upperFirst` false) or `U+W*C?` (true), where U is
    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`, W is `[\p{Ll}\p{Lm}\p{Lo}\p{M}]` and C an optional
    /// case-insensitive contraction, starting exactly at `a`.
    private func caseWord(at a: Int, upperFirst: Bool) -> Int? {
        let upperEnd = run(from: a) { $0.contains(.upper) }
        var end: Int
        if upperFirst {
            guard upperEnd > a else { return nil }
            end = run(from: upperEnd) { $0.contains(.lower) }
        } else if classAt(upperEnd).contains(.lower) {
            end = run(from: upperEnd) { $0.contains(.lower) }
        } else {
            // W+ needs one scalar: give back scalars of the U run until one is also in W.
            end = upperEnd
            while end > a {
                let start = scalarStart(before: end)
                if scalar(at: start).0.contains(.lower) { break }
                end = start
            }
            guard end > a else { return nil }
        }
        return contraction(at: end, ignoringCase: true) ?? end
    }

    /// ` ?[^\s\p{L}\p{N}]+` followed by any run of `trailing` bytes.
    private func punctuationPiece(at i: Int, trailing: (UInt8) -> Bool) -> Int? {
        var start = i
        if base[i] == 0x20, i + 1 < count, classAt(i + 1).isDisjoint(with: .wordish) { start = i + 1 }
        guard scalar(at: start).0.isDisjoint(with: .wordish) else { return nil }
        var end = run(from: start) { $0.isDisjoint(with: .wordish) }
        while end < count, trailing(base[end]) { end += 1 }
        return end
    }

    /// `\p{N}{1,limit}`
    private func numberRun(at i: Int, limit: Int) -> Int {
        var end = i
        for _ in 0..<limit {
            guard end < count else { break }
            let (c, len) = scalar(at: end)
            guard c.contains(.number) else { break }
            end += len
        }
        return end
    }

    /// `\s*[\r\n]+` (if `lineBreaks`), then `\s+(?!\S)|\s+`, at a white-space scalar: up to the
    /// last line break of the run; else the whole run at the end of the text, the run but its
    /// last scalar before a non-space, or a single scalar.
    private func whitespacePiece(at i: Int, lineBreaks: Bool) -> Int {
        var end = i
        var lastBreakEnd = -1
        var lastStart = i
        var scalars = 0
        while end < count {
            let (c, len) = scalar(at: end)
            guard c.contains(.space) else { break }
            if c.contains(.newline) { lastBreakEnd = end + len }
            lastStart = end
            end += len
            scalars += 1
        }
        if lineBreaks, lastBreakEnd >= 0 { return lastBreakEnd }
        if end == count || scalars == 1 { return end }
        return lastStart
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` at `i`, case-insensitive as the regex `(?i:…)` is (so `'ſ`,
    /// long s, counts as `'s`, as simple case folding says).
    private func contraction(at i: Int, ignoringCase: Bool) -> Int? {
        guard i + 1 < count, base[i] == 0x27 else { return nil }
        func lower(_ k: Int) -> UInt8 {
            guard k < count else { return 0 }
            let b = base[k]
            return ignoringCase && b >= 0x41 && b <= 0x5A ? b | 0x20 : b
        }
        switch lower(i + 1) {
        case 0x73, 0x74, 0x6D, 0x64: return i + 2 // s t m d
        case 0xC5 where ignoringCase && i + 2 < count && base[i + 2] == 0xBF: return i + 3 // ſ U+017F
        case 0x72, 0x76: return lower(i + 2) == 0x65 ? i + 3 : nil // re ve
        case 0x6C: return lower(i + 2) == 0x6C ? i + 3 : nil // ll
        default: return nil
        }
    }
}
