import WinnowCore

/// A sentencepiece charsmap applied as HF tokenizers' `Precompiled` normalizer applies it, which
/// is not how sentencepiece does (longest rule at each byte): HF takes the text a grapheme
/// cluster at a time; a cluster of fewer than 6 bytes that starts with a rule becomes that
/// rule's replacement (its shortest rule, and the rest of the cluster is dropped: `a` U+0300
/// U+0301 becomes `à`); longer clusters go a character at a time. The two differ only on
/// characters followed by combining marks that a rule does not cover.
struct GraphemeCharsMap: Sendable {
    let charsMap: PrecompiledCharsMap

    func normalize(_ text: UnsafeBufferPointer<UInt8>, into out: GrowableBuffer<UInt8>) {
        out.count = 0
        guard let base = text.baseAddress, !text.isEmpty else { return }
        out.reserve(3 * text.count + 3)
        charsMap.withTables { units, strings in
            func appendRule(_ rule: (length: Int, replacement: Int)) {
                var k = rule.replacement
                while strings[k] != 0 {
                    out.reserve(1)
                    out.append(strings[k])
                    k += 1
                }
            }
            /// One cluster: its rule whole, or character by character.
            func cluster(_ start: Int, _ end: Int) {
                if end - start < 6, let rule = charsMap.longestMatch(base, from: start, to: end, units: units, replacements: strings, shortest: true) {
                    appendRule(rule)
                    return
                }
                var i = start
                while i < end {
                    let width = min(UTF8Scan.leadLength(base[i]), end - i)
                    if let rule = charsMap.longestMatch(base, from: i, to: i + width, units: units, replacements: strings, shortest: true) {
                        appendRule(rule)
                    } else {
                        for k in i..<(i + width) {
                            out.reserve(1)
                            out.append(base[k])
                        }
                    }
                    i += width
                }
            }
            var i = 0
            while i < text.count {
                // ASCII followed by ASCII (but CR LF) is a cluster of its own: the common case.
                if base[i] < 0x80, i + 1 == text.count || (base[i + 1] < 0x80 && !(base[i] == 0x0D && base[i + 1] == 0x0A)) {
                    cluster(i, i + 1)
                    i += 1
                    continue
                }
                // Otherwise the clusters of the stretch up to the next ASCII byte that starts one.
                var end = i + 1
                while end < text.count, !(base[end] < 0x80 && base[end - 1] < 0x80 && !(base[end - 1] == 0x0D && base[end] == 0x0A)) { end += 1 }
                let stretch = String(decoding: UnsafeBufferPointer(rebasing: text[i..<end]), as: UTF8.self)
                if stretch.utf8.count != end - i {
                    // Not valid UTF-8: character by character.
                    var k = i
                    while k < end {
                        let width = min(UTF8Scan.leadLength(base[k]), end - k)
                        cluster(k, k + width)
                        k += width
                    }
                } else {
                    var offset = i
                    for character in stretch {
                        let length = character.utf8.count
                        cluster(offset, offset + length)
                        offset += length
                    }
                }
                i = end
            }
        }
    }
}
