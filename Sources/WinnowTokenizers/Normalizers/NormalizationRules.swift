import WinnowCore
import WinnowText

/// sentencepiece's named character rules (`--normalization_rule_name`), built from ICU rather
/// than shipped as tables: a map from a character sequence to its replacement, which
/// `CharsMapCompiler` turns into the `precompiled_charsmap` a `.model` carries and the
/// normalizer applies (longest rule first).
///
/// `nfkc`: every code point whose NFKC form differs maps to it, and every multi-character NFKD
/// decomposition maps to its NFC composition (so `e` + U+0301 becomes `é`), as sentencepiece's
/// builder does (builder.cc `BuildNFKCMap`; it also adds every other spelling of each
/// decomposition, which only matters for text mixing compatibility characters with combining
/// marks). `nmt_nfkc` adds the NMT rules: control characters removed, line breaks, tabs and
/// invisible separators made spaces, the full-width tilde kept (the list is what sentencepiece
/// 0.2.3's compiled `nmt_nfkc` does to U+0000…U+FFFF). `identity`: no rules.
public enum NormalizationRules: String, Sendable, CaseIterable {
    case nmtNFKC = "nmt_nfkc"
    case nfkc
    case identity

    /// The rules: sequence of code points → replacement (possibly empty, a deletion).
    public var rules: [[UInt32]: [UInt32]] {
        switch self {
        case .identity: return [:]
        case .nfkc: return Self.nfkcRules
        case .nmtNFKC: return Self.nmtRules
        }
    }

    /// The compiled charsmap (empty for `identity`).
    public var compiled: [UInt8] {
        switch self {
        case .identity: return []
        case .nfkc: return Self.nfkcCompiled
        case .nmtNFKC: return Self.nmtCompiled
        }
    }

    private static let nfkcCompiled = CharsMapCompiler.compile(nfkcRules)
    private static let nmtCompiled = CharsMapCompiler.compile(nmtRules)

    private static let nfkcRules: [[UInt32]: [UInt32]] = {
        var rules: [[UInt32]: [UInt32]] = [:]
        var decompositions = Set<[UInt32]>()
        // Above plane 2 no character has a decomposition (planes 3–13 hold only ideographs
        // without one, 14 tags and variation selectors, 15–16 private use).
        for code in UInt32(1)...0x2FFFF where isCharacter(code) {
            let nfkc = normalize([code], .nfkc)
            if nfkc != [code] { rules[[code]] = nfkc }
            let nfkd = normalize([code], .nfkd)
            if nfkd.count > 1 { decompositions.insert(nfkd) }
        }
        for sequence in decompositions {
            let composed = normalize(sequence, .nfc)
            if composed != sequence { rules[sequence] = composed }
        }
        return rules
    }()

    private static let nmtRules: [[UInt32]: [UInt32]] = {
        var rules = nfkcRules
        let removed: [UInt32] = Array(0x01...0x08) + [0x0B] + Array(0x0E...0x1F) + [0x7F, 0x8F, 0x9F]
        for code in removed { rules[[code]] = [] }
        let spaces: [UInt32] = [0x09, 0x0A, 0x0C, 0x0D, 0x061C, 0x1680, 0x200B, 0x200C, 0x200E, 0x200F,
                                0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD]
        for code in spaces { rules[[code]] = [0x20] }
        rules[[0xFF5E]] = nil
        return rules
    }()

    /// ICU's `U_IS_UNICODE_CHAR`: not a surrogate, not a noncharacter.
    private static func isCharacter(_ code: UInt32) -> Bool {
        !(0xD800...0xDFFF).contains(code) && !(0xFDD0...0xFDEF).contains(code) && code & 0xFFFE != 0xFFFE
    }

    /// `codes` in one of ICU's normalization forms.
    static func normalize(_ codes: [UInt32], _ form: UnicodeNormalization) -> [UInt32] {
        form.apply(codes.map { Unicode.Scalar($0) ?? "\u{FFFD}" }).map(\.value)
    }
}
