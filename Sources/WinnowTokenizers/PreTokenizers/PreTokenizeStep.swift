import WinnowCore

/// What HF's split-style pre-tokenizers do with what they split on (`SplitDelimiterBehavior`).
public enum SplitBehavior: String, Sendable, CaseIterable {
    /// Dropped.
    case removed = "Removed"
    /// A piece of its own.
    case isolated = "Isolated"
    /// Joined to the piece before.
    case mergedWithPrevious = "MergedWithPrevious"
    /// Joined to the piece after.
    case mergedWithNext = "MergedWithNext"
    /// Runs of it one piece.
    case contiguous = "Contiguous"
}

/// One of HF's pre-tokenizers that cut text by a pattern, as a step of `PreTokenizer.sequence`:
/// `Split` (a regex through ICU, or a literal string; any behavior; `invert` makes the pattern
/// describe the pieces rather than the cuts), `Digits`, `Punctuation`, `Whitespace` (runs of
/// `\w` or of other non-space characters) and `WhitespaceSplit`.
public enum PreTokenizeStep: Sendable, Equatable {
    case split(pattern: String, isRegex: Bool, behavior: SplitBehavior, invert: Bool)
    case digits(individual: Bool)
    case punctuation(SplitBehavior)
    case whitespace
    case whitespaceSplit

    var name: String {
        switch self {
        case let .split(pattern, isRegex, behavior, invert):
            return "Split(\(isRegex ? "regex" : "string") \(pattern.debugDescription), \(behavior.rawValue)\(invert ? ", inverted" : ""))"
        case let .digits(individual): return "Digits(\(individual ? "each" : "runs"))"
        case let .punctuation(behavior): return "Punctuation(\(behavior.rawValue))"
        case .whitespace: return "Whitespace"
        case .whitespaceSplit: return "WhitespaceSplit"
        }
    }

    /// The step's tokenizer.json object.
    var json: String {
        func quoted(_ s: String) -> String { JSONWriter.string(.string(s)) }
        switch self {
        case let .split(pattern, isRegex, behavior, invert):
            return #"{"type": "Split", "pattern": {"\#(isRegex ? "Regex" : "String")": \#(quoted(pattern))}, "behavior": "\#(behavior.rawValue)", "invert": \#(invert)}"#
        case let .digits(individual): return #"{"type": "Digits", "individual_digits": \#(individual)}"#
        case let .punctuation(behavior): return #"{"type": "Punctuation", "behavior": "\#(behavior.rawValue)"}"#
        case .whitespace: return #"{"type": "Whitespace"}"#
        case .whitespaceSplit: return #"{"type": "WhitespaceSplit"}"#
        }
    }
}

/// One thread's runner of a `PreTokenizeStep`.
final class StepSplitter {
    private enum Matcher {
        case regex(ICUSplitter)
        case literal([UInt8])
        /// Each character for which the test holds is a match of its own.
        case characters((Unicode.Scalar) -> Bool)
    }

    private let matcher: Matcher
    private let behavior: SplitBehavior
    private let invert: Bool

    init(_ step: PreTokenizeStep) throws {
        switch step {
        case let .split(pattern, isRegex, behavior, invert):
            matcher = isRegex ? .regex(try ICUSplitter(pattern)) : .literal(Array(pattern.utf8))
            (self.behavior, self.invert) = (behavior, invert)
        case let .digits(individual):
            matcher = .characters(DigitSplitter.isNumeric)
            (behavior, invert) = (individual ? .isolated : .contiguous, false)
        case let .punctuation(behavior):
            matcher = .characters { $0.properties.generalCategory.isPunctuation || ($0.isASCII && $0.properties.generalCategory.isASCIIPunctuationSymbol) }
            (self.behavior, invert) = (behavior, false)
        case .whitespace:
            matcher = .regex(try ICUSplitter(#"\w+|[^\w\s]+"#))
            (behavior, invert) = (.removed, true)
        case .whitespaceSplit:
            matcher = .characters { $0.properties.isWhitespace }
            (behavior, invert) = (.removed, false)
        }
    }

    /// Calls `body` with the pieces `piece` of `text` becomes.
    func cut(_ text: UnsafeBufferPointer<UInt8>, _ piece: Range<Int>, _ body: (Range<Int>) -> Void) {
        // The piece as stretches, each a match or not, covering it.
        var stretches: [(range: Range<Int>, match: Bool)] = []
        var done = piece.lowerBound
        func match(_ from: Int, _ to: Int) {
            if from > done { stretches.append((done..<from, invert)) }
            stretches.append((from..<to, !invert))
            done = to
        }
        let slice = UnsafeBufferPointer(rebasing: text[piece])
        switch matcher {
        case let .regex(regex):
            regex.matches(slice) { match(piece.lowerBound + $0, piece.lowerBound + $1) }
        case let .literal(needle):
            var i = 0
            while !needle.isEmpty, i + needle.count <= slice.count {
                if slice[i] == needle[0], memcmp(slice.baseAddress! + i, needle, needle.count) == 0 {
                    match(piece.lowerBound + i, piece.lowerBound + i + needle.count)
                    i += needle.count
                } else {
                    i += 1
                }
            }
        case let .characters(test):
            var i = 0
            while i < slice.count {
                let (scalar, length) = DigitSplitter.decode(slice, at: i)
                if test(scalar) { match(piece.lowerBound + i, piece.lowerBound + i + length) }
                i += length
            }
        }
        if done < piece.upperBound { stretches.append((done..<piece.upperBound, invert)) }

        // HF's behaviors (normalizer.rs `split`): what each stretch becomes. A match joins the
        // piece before (or after) unless that is a match too.
        var pieces: [Range<Int>] = []
        var previousMatch = false
        for (range, isMatch) in stretches {
            switch behavior {
            case .removed:
                if !isMatch { pieces.append(range) }
            case .isolated:
                pieces.append(range)
            case .contiguous:
                if isMatch, previousMatch, let last = pieces.last { pieces[pieces.count - 1] = last.lowerBound..<range.upperBound } else { pieces.append(range) }
            case .mergedWithPrevious:
                if isMatch, !previousMatch, let last = pieces.last { pieces[pieces.count - 1] = last.lowerBound..<range.upperBound } else { pieces.append(range) }
            case .mergedWithNext:
                if previousMatch, !isMatch, let last = pieces.last { pieces[pieces.count - 1] = last.lowerBound..<range.upperBound } else { pieces.append(range) }
            }
            previousMatch = isMatch
        }
        for range in pieces where !range.isEmpty { body(range) }
    }
}

private extension Unicode.GeneralCategory {
    var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
             .otherPunctuation: return true
        default: return false
        }
    }

    /// Rust's `is_ascii_punctuation` also counts the ASCII symbols ($ + < = > ^ ` | ~).
    var isASCIIPunctuationSymbol: Bool { self == .mathSymbol || self == .currencySymbol || self == .modifierSymbol }
}
