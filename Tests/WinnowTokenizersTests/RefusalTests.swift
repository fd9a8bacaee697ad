import Testing
import WinnowCore
@testable import WinnowTokenizers

/// Every component tokenizer.json may hold that Winnow does not implement, and every malformed
/// value, is refused with an error naming the file and the component's path, never a crash.
struct RefusalTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let change: @Sendable (inout JSONObject) -> Void
        let message: String
        var testDescription: String { name }
    }

    static func set(_ key: String, _ json: String) -> @Sendable (inout JSONObject) -> Void {
        { top in top[key] = try! JSONValue.parse(json) }
    }

    static func setModel(_ key: String, _ json: String) -> @Sendable (inout JSONObject) -> Void {
        { top in
            guard case var .object(model)? = top["model"] else { return }
            model[key] = try! JSONValue.parse(json)
            top["model"] = .object(model)
        }
    }

    static func added(id: String) -> String { #"[{"id": "# + id + #", "content": "<x>", "special": true}]"# }

    static let cases: [Case] = [
        Case(name: "WordPiece model", change: setModel("type", #""WordPiece""#), message: "model.type 'WordPiece' is not supported"),
        Case(name: "WordLevel model", change: setModel("type", #""WordLevel""#), message: "model.type 'WordLevel' is not supported"),
        Case(name: "BertNormalizer", change: set("normalizer", #"{"type": "BertNormalizer"}"#), message: "normalizer 'BertNormalizer' is not supported"),
        Case(name: "normalizer in a Sequence", change: set("normalizer", #"{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Precompiled"}]}"#),
             message: "normalizer.normalizers[1] 'Precompiled' is not supported"),
        Case(name: "Replace with a regex", change: set("normalizer", #"{"type": "Replace", "pattern": {"Regex": "a+"}, "content": "b"}"#),
             message: "normalizer Replace: only a String pattern"),
        Case(name: "unknown post-processor", change: set("post_processor", #"{"type": "Frobnicate"}"#),
             message: "post_processor 'Frobnicate' is not supported"),
        Case(name: "template naming an unknown special token",
             change: set("post_processor", #"{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {}}"#),
             message: "post_processor.single[0]: special token '<bos>' is not in post_processor.special_tokens"),
        Case(name: "template with a negative id",
             change: set("post_processor", #"{"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {"<b>": {"id": "<b>", "ids": [-3], "tokens": ["<b>"]}}}"#),
             message: "post_processor.special_tokens.<b>.ids[0]"),
        Case(name: "inner processor of a Sequence", change: set("post_processor", #"{"type": "Sequence", "processors": [{"type": "ByteLevel"}, {"type": "Nope"}]}"#),
             message: "post_processor.processors[1] 'Nope' is not supported"),
        Case(name: "Roberta without ids", change: set("post_processor", #"{"type": "RobertaProcessing", "sep": ["</s>"], "cls": ["<s>", 0]}"#),
             message: "post_processor.sep: expected [token, id]"),
        Case(name: "added token id -1", change: set("added_tokens", added(id: "-1")),
             message: "added_tokens[0].id: -1 is not a token id"),
        Case(name: "added token id 2^32", change: set("added_tokens", added(id: "4294967296")),
             message: "added_tokens[0].id: 4294967296 is not a token id"),
        Case(name: "added token id far past the vocabulary", change: set("added_tokens", added(id: "4000000000")),
             message: "added_tokens '<x>': id 4000000000 is past"),
        Case(name: "negative truncation", change: set("truncation", #"{"max_length": -5}"#), message: "truncation.max_length: -5"),
        Case(name: "truncation direction", change: set("truncation", #"{"max_length": 5, "direction": "Up"}"#), message: "truncation.direction 'Up'"),
        Case(name: "padding strategy", change: set("padding", #"{"strategy": "Sometimes"}"#), message: "padding.strategy: expected BatchLongest"),
        Case(name: "padding id", change: set("padding", #"{"strategy": "BatchLongest", "pad_id": 1e20}"#), message: "padding.pad_id: 1e20"),
        Case(name: "continuing subword prefix", change: setModel("continuing_subword_prefix", "\"@@\""),
             message: "model.continuing_subword_prefix \"@@\" is not supported"),
        Case(name: "dropout", change: setModel("dropout", "0.1"), message: "model dropout 0.1 is not supported"),
        Case(name: "decoder", change: set("decoder", #"{"type": "WordPiece"}"#), message: "decoder 'WordPiece' is not supported"),
        Case(name: "pre-tokenizer after ByteLevel", change: set("pre_tokenizer", #"{"type": "Sequence", "pretokenizers": [{"type": "ByteLevel", "add_prefix_space": false}, {"type": "Digits"}]}"#),
             message: "pre_tokenizer Sequence: a byte-level BPE needs ByteLevel last"),
        Case(name: "UnicodeScripts", change: set("pre_tokenizer", #"{"type": "Sequence", "pretokenizers": [{"type": "UnicodeScripts"}, {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]}"#),
             message: "pre_tokenizer.pretokenizers[0] 'UnicodeScripts' is not supported"),
        Case(name: "version", change: set("version", #""2.0""#), message: "unknown tokenizer.json version '2.0'"),
        Case(name: "no model", change: { $0["model"] = .null }, message: "no model object"),
    ]

    @Test(arguments: cases) func refusedNamingThePath(_ item: Case) throws {
        guard case var .object(top) = try Fixture.json("llama3-2000.tokenizer.json") else { Issue.record("fixture"); return }
        item.change(&top)
        let bytes = Array(JSONWriter.string(.object(top)).utf8)
        #expect {
            _ = try TokenizerJSON.read(bytes: bytes, path: "t.json")
        } throws: { error in
            let text = "\(error)"
            return text.contains("t.json") && text.contains(item.message)
        }
    }

    /// A file cut short anywhere is an error with its byte offset.
    @Test func truncatedFilesNameTheirOffset() throws {
        let bytes = try Fixture.bytes("qwen2-nfc.tokenizer.json")
        for cut in stride(from: 0, to: bytes.count, by: 997) {
            #expect(throws: WinnowError.self) { _ = try TokenizerJSON.read(bytes: Array(bytes[..<cut]), path: "cut.json") }
        }
    }
}
