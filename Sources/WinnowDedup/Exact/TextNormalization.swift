import WinnowCore
import WinnowText

/// How text is normalised before exact dedup hashes it. With no steps the text's bytes are
/// hashed as they are; each step makes more documents equal:
/// `nfkc` (compatibility forms: full-width letters, ligatures), `lowercase` (Unicode),
/// `punctuation` (every Unicode punctuation character becomes a space) and `whitespace`
/// (runs of whitespace become one space; leading and trailing whitespace go), applied in
/// that order. Lowercasing is per character (Unicode's lowercase mapping; no context, so a
/// Greek final sigma stays σ-less only if written so), on bytes for ASCII.
public struct TextNormalization: Sendable, Equatable {
    public enum Step: String, Sendable, CaseIterable { case nfkc, lowercase, punctuation, whitespace }

    public var steps: Set<Step> = []

    public init(_ steps: Set<Step> = []) { self.steps = steps }

    /// From a step's `normalize:` list.
    init(settings: SettingsReader) throws {
        for step in try settings.strings("normalize") ?? [] {
            guard let known = Step(rawValue: step) else {
                throw settings.error("normalize", "'\(step)' is not one of \(Step.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            steps.insert(known)
        }
    }

    /// The bytes to hash: `text` itself when there are no steps (no copy is made then).
    public func apply<R>(_ text: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        text.withUnsafeBufferPointer { apply($0, body) }
    }

    /// The bytes to hash of part of a text (a line).
    public func apply<R>(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if steps.isEmpty { return body(UnsafeRawBufferPointer(text)) }
        guard steps.contains(.nfkc) else { return normalize(text, body) }
        let composed = UnicodeNormalization.nfkc.apply(ScalarText(utf8: Array(text)).scalars)
        return Array(String(String.UnicodeScalarView(composed)).utf8).withUnsafeBufferPointer { normalize($0, body) }
    }

    /// The steps after NFKC.
    private func normalize<R>(_ source: UnsafeBufferPointer<UInt8>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        let lower = steps.contains(.lowercase), collapse = steps.contains(.whitespace)
        let dropPunctuation = steps.contains(.punctuation)
        var pendingSpace = false
        /// Appends one character's bytes, or a space for a space (collapsed when asked).
        func emit(isSpace: Bool, _ bytes: () -> Void) {
            if isSpace && collapse { pendingSpace = !out.isEmpty; return }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            bytes()
        }
        var i = 0
        while i < source.count {
            let b = source[i]
            if b < 0x80 {
                // ASCII on bytes: the usual case, and the one that decides the speed.
                i += 1
                let punctuation = dropPunctuation && Self.asciiPunctuation[Int(b)]
                let space = b == 0x20 || (0x09...0x0D).contains(b) || punctuation
                emit(isSpace: space) { out.append(punctuation ? 0x20 : lower && (0x41...0x5A).contains(b) ? b | 0x20 : b) }
                continue
            }
            // Other scalars one at a time (the text is valid UTF-8: the reader checked it).
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            let end = min(i + length, source.count)
            var scalarBytes = UnsafeBufferPointer(rebasing: source[i..<end]).makeIterator()
            var decoder = UTF8()
            guard case let .scalarValue(scalar) = decoder.decode(&scalarBytes) else { i = end; continue }
            let start = i
            i = end
            let punctuation = dropPunctuation && Self.isPunctuation(scalar)
            emit(isSpace: scalar.properties.isWhitespace || punctuation) {
                if punctuation { out.append(0x20) }
                else if lower, scalar.properties.changesWhenLowercased { out.append(contentsOf: scalar.properties.lowercaseMapping.utf8) }
                else { out.append(contentsOf: source[start..<end]) }
            }
        }
        return out.withUnsafeBytes(body)
    }

    /// Which ASCII bytes are Unicode punctuation (`!"#%&'()*,-./:;?@[\]_{}`; `$+<=>^`|~` are
    /// symbols, as in Unicode).
    static let asciiPunctuation: [Bool] = (0..<128).map { isPunctuation(Unicode.Scalar(UInt8($0))) }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }
}
