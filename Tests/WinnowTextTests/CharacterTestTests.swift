import Testing
@testable import WinnowText

/// The character tests skip Unicode property lookups for ranges whose answer is known; every
/// scalar must still get the answer the properties give.
@Suite struct CharacterTestTests {
    static let allScalars = (0...0x10FFFF).compactMap(Unicode.Scalar.init)

    @Test func isAlphaIsTheLetterCategories() {
        let letters: Set<Unicode.GeneralCategory> = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]
        let wrong = CharacterTestTests.allScalars.filter { ScalarText.isAlpha($0) != letters.contains($0.properties.generalCategory) }
        #expect(wrong.isEmpty, "\(wrong.prefix(10).map { String($0.value, radix: 16) })")
    }

    @Test func englishDigitIsTheDecimalNumericType() {
        let wrong = CharacterTestTests.allScalars.filter { ScalarText.isDecimalDigit($0) != ($0.properties.numericType == .decimal) }
        #expect(wrong.isEmpty, "\(wrong.prefix(10).map { String($0.value, radix: 16) })")
    }

    /// spaCy 3.8 splits every So character as an icon (checked against spaCy on each one
    /// below U+2100), but U+166D.
    @Test func englishIconIsOtherSymbol() {
        let wrong = CharacterTestTests.allScalars.filter {
            EnglishTokenRules.isIcon($0) != ($0.properties.generalCategory == .otherSymbol && $0.value != 0x166D)
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10).map { String($0.value, radix: 16) })")
    }
}
