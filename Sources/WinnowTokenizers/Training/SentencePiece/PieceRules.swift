import CWinnowICU

/// Which strings may become pieces (sentencepiece's `IsValidSentencePiece`,
/// trainer_interface.cc): at most `maxLength` characters, no unknown character or sentence
/// boundary, `▁` only first (with `splitByWhitespace`; else not last), one Unicode script per
/// piece (hiragana and katakana count as Han, combining marks take the script before them,
/// digits are Common so they do not join letters), digits alone with `splitDigits`, and with
/// `splitByNumber` off, digits join anything.
struct PieceRules: Sendable {
    var maxLength = 16
    var splitByWhitespace = true
    var splitByUnicodeScript = true
    var splitByNumber = true
    var splitDigits = false

    /// A symbol's class: `script` is ICU's script code with kana folded into Han; `digit` marks
    /// 0–9 (and their full-width forms), `space` the `▁`, `barred` the boundary and unknown symbols.
    struct SymbolClass: Sendable {
        var script: Int32
        var digit = false
        var space = false
        var barred = false
        var inherited = false
    }

    static let anyScript: Int32 = -1

    /// Classes of `TrainingSentences` symbols.
    static func classes(of characters: [UInt32]) -> [SymbolClass] {
        var classes = [SymbolClass(script: anyScript, barred: true), SymbolClass(script: anyScript, barred: true)]
        for code in characters {
            var script = cwinnow_script(code)
            // ICU: 17 Han, 20 Hiragana, 22 Katakana, 1 Inherited.
            if script == 20 || script == 22 || code == 0x30FC { script = 17 }
            classes.append(SymbolClass(script: script, digit: (0x30...0x39).contains(code) || (0xFF10...0xFF19).contains(code),
                                       space: code == 0x2581, inherited: script == 1))
        }
        return classes
    }

    /// Whether the symbols `piece` may form a piece.
    @inline(__always)
    func allows(_ piece: UnsafeBufferPointer<UInt16>, classes: UnsafeBufferPointer<SymbolClass>) -> Bool {
        guard !piece.isEmpty, piece.count <= maxLength else { return false }
        var previous = Self.anyScript
        for (position, symbol) in piece.enumerated() {
            let c = classes[Int(symbol)]
            if c.barred { return false }
            if c.space {
                if splitByWhitespace ? position > 0 : (position > 0 && position == piece.count - 1) { return false }
                continue
            }
            var script = c.inherited ? previous : c.script
            if c.digit {
                if !splitByNumber { script = Self.anyScript }
                if splitDigits, piece.count > 1 { return false }
            }
            if splitByUnicodeScript, script != Self.anyScript, previous != Self.anyScript, previous != script { return false }
            previous = script
        }
        return true
    }
}
