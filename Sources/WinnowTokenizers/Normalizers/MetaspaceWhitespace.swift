import WinnowCore

/// What HF does to spaces after a sentencepiece model's character rules, in the layout
/// transformers converts sentencepiece models to: `Strip(right)` (trailing Unicode white space,
/// where sentencepiece removes only spaces), `Replace(" {2,}" → "▁")`, then `Metaspace` (each
/// space a `▁`, and a `▁` put in front unless the text already starts with one, where
/// sentencepiece always puts one). The two agree except on those edges, and the edges decide
/// ids, so a Unigram tokenizer.json is read with HF's.
struct MetaspaceWhitespace: Sendable {
    /// `Strip(right)` and `Replace(" {2,}" → "▁")` are there.
    let collapsesSpaces: Bool
    /// Metaspace's `prepend_scheme` is `always` (else `never`).
    let prepends: Bool
    /// `WhitespaceSplit` comes before `Metaspace` (T5): white space (Unicode White_Space) left
    /// after the replacements ends a word and is dropped, and each word gets its own `▁`.
    var whitespaceSplit = false

    func apply(_ text: UnsafeBufferPointer<UInt8>, into out: GrowableBuffer<UInt8>) {
        out.count = 0
        var end = text.count
        if collapsesSpaces {
            while end > 0 {
                var start = end - 1
                while start > 0, text[start] & 0xC0 == 0x80 { start -= 1 }
                let (scalar, _) = DigitSplitter.decode(UnsafeBufferPointer(rebasing: text[start..<end]), at: 0)
                guard scalar.properties.isWhitespace else { break }
                end = start
            }
        }
        guard end > 0 else { return }
        out.reserve(3 * end + 3)
        if whitespaceSplit {
            splitWords(UnsafeBufferPointer(rebasing: text[..<end]), into: out)
            return
        }
        if prepends, !(end >= 3 && text[0] == 0xE2 && text[1] == 0x96 && text[2] == 0x81) {
            // Metaspace looks at the text after the replacements: a leading space is a ▁ too.
            if text[0] != 0x20 { appendMeta(out) }
        }
        var i = 0
        while i < end {
            guard text[i] == 0x20 else {
                out.append(text[i])
                i += 1
                continue
            }
            var run = i
            while run < end, text[run] == 0x20 { run += 1 }
            if collapsesSpaces, run - i >= 2 {
                appendMeta(out)
            } else {
                for _ in i..<run { appendMeta(out) }
            }
            i = run
        }
    }

    /// Each white-space-separated word with a `▁` in front unless it starts with one; a run of
    /// two or more spaces (a `▁` after `Replace`) belongs to the word.
    private func splitWords(_ text: UnsafeBufferPointer<UInt8>, into out: GrowableBuffer<UInt8>) {
        var i = 0, wordStart = true
        while i < text.count {
            if text[i] == 0x20 {
                var run = i
                while run < text.count, text[run] == 0x20 { run += 1 }
                if collapsesSpaces, run - i >= 2 {
                    appendMeta(out)
                    wordStart = false
                } else {
                    wordStart = true
                }
                i = run
                continue
            }
            let (scalar, length) = DigitSplitter.decode(text, at: i)
            if scalar.properties.isWhitespace {
                wordStart = true
            } else {
                if wordStart, prepends, scalar != "\u{2581}" { appendMeta(out) }
                wordStart = false
                for k in i..<(i + length) { out.append(text[k]) }
            }
            i += length
        }
    }

    private func appendMeta(_ out: GrowableBuffer<UInt8>) {
        out.append(0xE2)
        out.append(0x96)
        out.append(0x81)
    }
}
