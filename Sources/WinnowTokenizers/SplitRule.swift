import CWinnowICU
import WinnowCore
import WinnowText

/// How text is cut into pieces before BPE: one of the native patterns, or any other regex
/// through ICU (several times slower, and ICU's regex dialect: close to Oniguruma's and Python
/// `regex`'s for the usual `\p{…}` classes, lookaheads and possessive quantifiers, but checked
/// against them only on the cases in the tests).
public enum SplitRule: Sendable, Equatable {
    case native(SplitPattern)
    /// HF's `Split(Regex(…), behavior: Isolated)`: matches and the text between them are pieces.
    case regex(String)

    /// The regex, for tokenizer.json.
    public var regex: String {
        switch self {
        case let .native(pattern): return pattern.regex
        case let .regex(pattern): return pattern
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
        }
    }

    /// Throws if ICU cannot compile the regex (so a bad pattern fails when it is read).
    public func validate() throws {
        if case let .regex(pattern) = self { _ = try ICUSplitter(pattern) }
    }
}

/// One thread's splitter for a `SplitRule`.
enum PieceSplitter {
    case native(SplitPattern, classes: [UInt8])
    case icu(ICUSplitter)

    init(_ rule: SplitRule) throws {
        switch rule {
        case let .native(pattern): self = .native(pattern, classes: ScalarClass.basicPlane.privateCopy())
        case let .regex(pattern): self = .icu(try ICUSplitter(pattern))
        }
    }

    /// Calls `body` with the end offset of each piece, as `SplitPattern.split` does.
    @inline(__always)
    func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        switch self {
        case let .native(pattern, classes): pattern.split(text, classes: classes, body)
        case let .icu(splitter): splitter.split(text, body)
        }
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

    func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        guard !text.isEmpty else { return }
        utf16.load(text)
        let view = utf16
        view.units.withUnsafeBufferPointer { units in
            guard cwinnow_regex_set_text(regex, units.baseAddress, Int32(units.count)) == 0 else {
                body(text.count)
                return
            }
            var done = 0
            var start: Int32 = 0, end: Int32 = 0
            while cwinnow_regex_find_next(regex, &start, &end) == 1 {
                let from = view.utf8Offset(Int(start)), to = view.utf8Offset(Int(end))
                guard to > from else { continue }
                if from > done { body(from) }
                body(to)
                done = to
            }
            if done < text.count { body(text.count) }
            // ICU keeps a pointer to `units`; detach it before the buffer can move.
            _ = cwinnow_regex_set_text(regex, nil, 0)
        }
    }
}
