import WinnowCore
import WinnowText

/// HF tokenizers' normalizers that change text without a model's tables, as an ordered list of
/// steps (a `Sequence`, or one of them): Unicode forms through ICU, `Lowercase` (each
/// character's full lowercase mapping, one character at a time as HF does, so no final-sigma
/// rule), `Strip` (Unicode white space), `StripAccents` (marks removed), `Replace` of a literal
/// string, `Prepend` (to text that is not empty).
public struct TextNormalizer: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        case nfc, nfd, nfkc, nfkd
        case lowercase
        case strip(left: Bool, right: Bool)
        case stripAccents
        case replace(String, with: String)
        case prepend(String)
    }

    public var steps: [Step]

    public init(_ steps: [Step] = []) { self.steps = steps }

    public var isEmpty: Bool { steps.isEmpty }

    /// Whether encoders may skip `apply`: no steps, or Unicode forms only on ASCII text (the
    /// same in every form; the usual document of NFC tokenizers).
    func leavesUnchanged(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        steps.isEmpty || (steps.allSatisfy { [.nfc, .nfd, .nfkc, .nfkd].contains($0) } && !text.contains { $0 >= 0x80 })
    }

    /// The normalized UTF-8 of `text` (malformed bytes read as U+FFFD).
    func apply(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var string = String(decoding: text, as: UTF8.self)
        for step in steps {
            switch step {
            case .nfc: string = UnicodeNormalization.nfc.apply(string)
            case .nfd: string = UnicodeNormalization.nfd.apply(string)
            case .nfkc: string = UnicodeNormalization.nfkc.apply(string)
            case .nfkd: string = UnicodeNormalization.nfkd.apply(string)
            case .lowercase:
                var out = String.UnicodeScalarView()
                for scalar in string.unicodeScalars {
                    if scalar.isASCII { out.append(Unicode.Scalar(UInt8(ascii: scalar) | (scalar.value >= 0x41 && scalar.value <= 0x5A ? 0x20 : 0))) }
                    else { out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars) }
                }
                string = String(out)
            case let .strip(left, right):
                var scalars = Substring(string).unicodeScalars[...]
                if left { while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() } }
                if right { while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() } }
                string = String(String.UnicodeScalarView(scalars))
            case .stripAccents:
                string = String(String.UnicodeScalarView(string.unicodeScalars.filter {
                    ![.nonspacingMark, .spacingMark, .enclosingMark].contains($0.properties.generalCategory)
                }))
            case let .replace(pattern, content):
                string = Self.replacing(string, pattern, content)
            case let .prepend(prefix):
                if !string.isEmpty { string = prefix + string }
            }
        }
        return Array(string.utf8)
    }

    /// Every occurrence of `pattern`, left to right and not overlapping, replaced.
    static func replacing(_ string: String, _ pattern: String, _ content: String) -> String {
        let text = Array(string.utf8), needle = Array(pattern.utf8)
        guard !needle.isEmpty, text.count >= needle.count else { return string }
        var out: [UInt8] = []
        var i = 0
        while i < text.count {
            if i + needle.count <= text.count, text[i] == needle[0], Array(text[i..<(i + needle.count)]) == needle {
                out += content.utf8
                i += needle.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The normalizer's JSON, for writing a tokenizer.json.
    var json: String {
        func one(_ step: Step) -> String {
            func quoted(_ s: String) -> String { JSONWriter.string(.string(s)) }
            switch step {
            case .nfc: return #"{"type": "NFC"}"#
            case .nfd: return #"{"type": "NFD"}"#
            case .nfkc: return #"{"type": "NFKC"}"#
            case .nfkd: return #"{"type": "NFKD"}"#
            case .lowercase: return #"{"type": "Lowercase"}"#
            case let .strip(left, right): return #"{"type": "Strip", "strip_left": \#(left), "strip_right": \#(right)}"#
            case .stripAccents: return #"{"type": "StripAccents"}"#
            case let .replace(pattern, content): return #"{"type": "Replace", "pattern": {"String": \#(quoted(pattern))}, "content": \#(quoted(content))}"#
            case let .prepend(prefix): return #"{"type": "Prepend", "prepend": \#(quoted(prefix))}"#
            }
        }
        switch steps.count {
        case 0: return "null"
        case 1: return one(steps[0])
        default: return #"{"type": "Sequence", "normalizers": ["# + steps.map(one).joined(separator: ", ") + "]}"
        }
    }
}
