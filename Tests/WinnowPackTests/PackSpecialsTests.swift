import Testing
import WinnowCore
@testable import WinnowPack

/// `specials_from_tokenizer`: BOS and EOS as the tokenizer adds them around a text; explicit
/// settings win.
@Suite struct PackSpecialsTests {
    /// A tokenizer that puts `before` and `after` around a text, as Llama 3's template does.
    struct Templated: Tokenizer {
        let before: [UInt32], after: [UInt32]
        var vocabularySize: Int { 10 }
        var specialTokens: [String: UInt32] { ["<|begin_of_text|>": 7, "<|end_of_text|>": 8, "<|eot_id|>": 9] }
        func makeEncoder(specials: SpecialTokenPolicy) -> any TokenEncoder { fatalError("not used") }
        func decode(_ ids: [UInt32]) throws -> [UInt8] { [] }
        var specialTokensAroundText: (before: [UInt32], after: [UInt32]) { (before, after) }
    }

    func settings(_ yaml: [String: String]) throws -> PackSettings {
        // `tokenizer:` must name a file that exists when settings are read; the tests hand the
        // tokenizer in themselves, so any existing file does (this source file).
        let pairs = [("tokenizer", #filePath), ("specials_from_tokenizer", "true")] + yaml.map { ($0.key, $0.value) }
        let node = ConfigNode(.mapping(pairs.map { ($0.0, ConfigNode(.scalar($0.1), line: 1, file: "p.yaml")) }), line: 1, file: "p.yaml")
        return try PackSettings(settings: SettingsReader(node, owner: "step 'pack'"))
    }

    @Test func llama3TemplateGivesBOSAndNoEOS() throws {
        let tokenizer = Templated(before: [7], after: [])
        let resolved = try settings([:]).withSpecials(of: tokenizer, path: "t.json")
        #expect(resolved.addBOS && !resolved.addEOS)
        let ids = try SpecialIDs(tokenizer: tokenizer, settings: resolved, path: "t.json")
        #expect(ids.bos == 7)
    }

    @Test func explicitSettingsWin() throws {
        let tokenizer = Templated(before: [7], after: [])
        let resolved = try settings(["eos": "true", "eos_token": "<|eot_id|>", "bos": "false"]).withSpecials(of: tokenizer, path: "t.json")
        #expect(!resolved.addBOS && resolved.addEOS)
        #expect(try SpecialIDs(tokenizer: tokenizer, settings: resolved, path: "t.json").eos == 9)
    }

    @Test func moreThanOneTokenASideIsRefused() throws {
        #expect(throws: WinnowError.self) { try settings([:]).withSpecials(of: Templated(before: [7, 8], after: []), path: "t.json") }
    }
}
