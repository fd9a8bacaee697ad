import WinnowCore
import WinnowText

/// A document's shingles as 64-bit hashes, as datatrove's `get_shingles` makes them: the
/// (simplified) text's words, every run of `ngram` consecutive ones joined by one space, each
/// hashed as UTF-8 — or every run of `ngram` characters. Fewer words (or characters) than
/// `ngram` give no shingle, and such a document is nobody's duplicate (datatrove skips it too).
struct Shingles {
    let settings: MinHashSettings
    private var simplifier = TextSimplifier()
    private var words = EnglishWordTokenizer()
    /// The units (words or characters) written out as UTF-8, words joined by single spaces,
    /// with where each unit starts and ends, so every shingle is one contiguous slice.
    private var joined: [UInt8] = []
    private var starts: [Int] = []
    private var ends: [Int] = []

    init(settings: MinHashSettings) {
        self.settings = settings
    }

    /// Replaces `hashes` with the document's shingle hashes (in text order, repeats kept).
    mutating func hashes(_ text: [UInt8], into hashes: inout [UInt64]) {
        hashes.removeAll(keepingCapacity: true)
        let scalars = settings.simplify ? simplifier.simplify(text) : ScalarText(utf8: text).scalars
        switch settings.shingle {
        case .words: layOutWords(scalars)
        case .chars: layOutCharacters(scalars)
        }
        let n = settings.ngram
        guard starts.count >= n else { return }
        hashes.reserveCapacity(starts.count - n + 1)
        joined.withUnsafeBytes { bytes in
            for i in 0...(starts.count - n) {
                let shingle = UnsafeRawBufferPointer(rebasing: bytes[starts[i]..<ends[i + n - 1]])
                hashes.append(settings.hash == .xxhash ? XXHash64.hash(shingle) : SHA1.hash64(shingle))
            }
        }
    }

    private mutating func layOutWords(_ scalars: [Unicode.Scalar]) {
        reset()
        let text = ScalarText(scalars: scalars)
        let ranges: [Range<Int>]
        switch settings.words {
        case .spacy_en: ranges = words.tokens(text, in: 0..<scalars.count)
        case .whitespace: ranges = Self.whitespaceWords(scalars)
        }
        for range in ranges {
            // datatrove strips every token and drops the empty ones.
            let word = text.stripped(range)
            if word.isEmpty { continue }
            if !starts.isEmpty { joined.append(0x20) }
            starts.append(joined.count)
            for s in scalars[word] { Self.appendUTF8(s, to: &joined) }
            ends.append(joined.count)
        }
    }

    private mutating func layOutCharacters(_ scalars: [Unicode.Scalar]) {
        reset()
        for s in scalars {
            starts.append(joined.count)
            Self.appendUTF8(s, to: &joined)
            ends.append(joined.count)
        }
    }

    private mutating func reset() {
        joined.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    private static func whitespaceWords(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        while i < scalars.count {
            if ScalarText.isSpace(scalars[i]) { i += 1; continue }
            let start = i
            while i < scalars.count, !ScalarText.isSpace(scalars[i]) { i += 1 }
            ranges.append(start..<i)
        }
        return ranges
    }

    @inline(__always)
    private static func appendUTF8(_ s: Unicode.Scalar, to bytes: inout [UInt8]) {
        if s.value < 0x80 { bytes.append(UInt8(s.value)) } else { bytes.append(contentsOf: UTF8.encode(s)!) }
    }
}
