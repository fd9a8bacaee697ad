import CWinnowICU
import WinnowCore
import WinnowText

/// How text is cut into pieces before BPE: one of the native patterns, or any other regex
/// through ICU (several times slower, and ICU's regex dialect: close to Oniguruma's and Python
/// `regex`'s for the usual `\p{…}` classes, lookaheads and possessive quantifiers, but checked
/// against them only on the cases in the tests).
public indirect enum PreTokenizer: Sendable, Equatable {
    case native(SplitPattern)
    /// HF's `Split(Regex(…), behavior: Isolated)`: matches and the text between them are pieces.
    case regex(String)
    /// A rule followed by HF's `Digits` pre-tokenizer: every numeric character becomes a piece
    /// of its own (`individual`), or each run of them does.
    case digits(PreTokenizer, individual: Bool)
    /// HF pre-tokenizers in sequence, each cutting the pieces the one before made (the general,
    /// slower form; see `PreTokenizeStep`).
    case sequence([PreTokenizeStep])

    /// The regex, for tokenizer.json.
    public var regex: String {
        switch self {
        case let .native(pattern): return pattern.regex
        case let .regex(pattern): return pattern
        case let .digits(base, _): return base.regex
        case .sequence: return ""
        }
    }

    /// For a regex we have a native scanner for, the scanner.
    public init(regex: String) {
        if let pattern = SplitPattern(regex: regex) { self = .native(pattern) } else { self = .regex(regex) }
    }

    public var name: String {
        switch self {
        case let .native(pattern): return "\(pattern.rawValue) split pattern"
        case let .regex(pattern): return "regex \(pattern.debugDescription) (ICU)"
        case let .digits(base, individual): return "\(base.name), then \(individual ? "each digit" : "digit runs") apart"
        case let .sequence(steps): return steps.map(\.name).joined(separator: ", then ")
        }
    }

    /// Throws if ICU cannot compile the regex (so a bad pattern fails when it is read).
    public func validate() throws {
        switch self {
        case let .regex(pattern): _ = try ICUSplitter(pattern)
        case let .digits(base, _): try base.validate()
        case let .sequence(steps): for step in steps { _ = try StepSplitter(step) }
        case .native: break
        }
    }
}

/// One thread's splitter for a `PreTokenizer`.
indirect enum PieceSplitter {
    case native(SplitPattern, classes: [UInt8])
    case icu(ICUSplitter)
    case digits(PieceSplitter, individual: Bool)
    case sequence([StepSplitter])

    init(_ rule: PreTokenizer) throws {
        switch rule {
        case let .native(pattern): self = .native(pattern, classes: ScalarClass.basicPlane.privateCopy())
        case let .regex(pattern): self = .icu(try ICUSplitter(pattern))
        case let .digits(base, individual): self = .digits(try PieceSplitter(base), individual: individual)
        case let .sequence(steps): self = .sequence(try steps.map(StepSplitter.init))
        }
    }

    /// Calls `body(start, end)` for each piece in order; unlike `split`, pieces may leave bytes
    /// out (a `Removed` split drops what it splits on).
    func pieces(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        if case let .sequence(steps) = self {
            var current = text.isEmpty ? [] : [0..<text.count]
            for step in steps {
                var next: [Range<Int>] = []
                for piece in current { step.cut(text, piece) { next.append($0) } }
                current = next
            }
            for piece in current { body(piece.lowerBound, piece.upperBound) }
            return
        }
        var start = 0
        split(text) { end in
            body(start, end)
            start = end
        }
    }

    /// Calls `body` with the end offset of each piece, as `SplitPattern.split` does (not for
    /// `.sequence`, whose pieces need not touch: use `pieces`).
    @inline(__always)
    func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        switch self {
        case .sequence: pieces(text) { _, end in body(end) }
        case let .native(pattern, classes): pattern.split(text, classes: classes, body)
        case let .icu(splitter): splitter.split(text, body)
        case let .digits(base, individual):
            var start = 0
            base.split(text) { end in
                DigitSplitter.split(text, start..<end, individual: individual, body)
                start = end
            }
        }
    }
}

/// HF's `Digits` pre-tokenizer within one piece: numeric characters (Unicode Nd, Nl and No, as
/// Rust's `char::is_numeric`) are isolated, one by one or as runs.
enum DigitSplitter {
    static func split(_ text: UnsafeBufferPointer<UInt8>, _ piece: Range<Int>, individual: Bool, _ body: (Int) -> Void) {
        var i = piece.lowerBound
        var previousNumeric: Bool?
        while i < piece.upperBound {
            let (scalar, length) = decode(text, at: i)
            let numeric = isNumeric(scalar)
            if let previous = previousNumeric, i > piece.lowerBound, previous != numeric || (numeric && individual) {
                body(i)
            }
            previousNumeric = numeric
            i += length
        }
        if piece.upperBound > piece.lowerBound { body(piece.upperBound) }
    }

    @inline(__always)
    static func isNumeric(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value >= 0x30 && s.value <= 0x39 }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// The scalar at `i` of UTF-8 text and its length in bytes.
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let b0 = UInt32(text[i])
        if b0 < 0x80 { return (Unicode.Scalar(b0)!, 1) }
        // A sequence cut short by the end of the text (raw input, not a checked document) is one
        // replacement character, never a read past the end.
        guard i + (b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4) <= text.count else { return ("\u{FFFD}", 1) }
        if b0 < 0xE0 { return (Unicode.Scalar((b0 & 0x1F) << 6 | UInt32(text[i + 1]) & 0x3F) ?? "\u{FFFD}", 2) }
        if b0 < 0xF0 {
            return (Unicode.Scalar((b0 & 0x0F) << 12 | (UInt32(text[i + 1]) & 0x3F) << 6 | UInt32(text[i + 2]) & 0x3F) ?? "\u{FFFD}", 3)
        }
        let value = (b0 & 0x07) << 18 | (UInt32(text[i + 1]) & 0x3F) << 12 | (UInt32(text[i + 2]) & 0x3F) << 6 | UInt32(text[i + 3]) & 0x3F
        return (Unicode.Scalar(value) ?? "\u{FFFD}", 4)
    }
}

/// A compiled ICU regex that splits text the way HF's `Split(…, Isolated)` does.
final class ICUSplitter {
    private let regex: OpaquePointer
    private var utf16 = UTF16Text()

    init(_ pattern: String) throws {
        let units = Array(pattern.utf16)
        var errorName: UnsafePointer<CChar>?
        var errorOffset: Int32 = 0
        guard let regex = cwinnow_regex_open(units, Int32(units.count), &errorName, &errorOffset) else {
            throw WinnowError.invalid("split regex \(pattern.debugDescription) does not compile in ICU: \(errorName.map { String(cString: $0) } ?? "error") at offset \(errorOffset)")
        }
        self.regex = regex
    }

    deinit { cwinnow_regex_close(regex) }

    /// Isolated pieces: each match and each stretch between matches.
    func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        var done = 0
        matches(text) { from, to in
            if from > done { body(from) }
            body(to)
            done = to
        }
        if done < text.count { body(text.count) }
    }

    /// Calls `body(from, to)` with the byte range of each non-empty match, left to right.
    func matches(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        guard !text.isEmpty else { return }
        utf16.load(text)
        let view = utf16
        view.units.withUnsafeBufferPointer { units in
            guard cwinnow_regex_set_text(regex, units.baseAddress, Int32(units.count)) == 0 else { return }
            var start: Int32 = 0, end: Int32 = 0
            while cwinnow_regex_find_next(regex, &start, &end) == 1 {
                let from = view.utf8Offset(Int(start)), to = view.utf8Offset(Int(end))
                if to > from { body(from, to) }
            }
            // ICU keeps a pointer to `units`; detach it before the buffer can move.
            _ = cwinnow_regex_set_text(regex, nil, 0)
        }
    }
}
