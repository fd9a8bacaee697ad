import Testing
import WinnowCore
@testable import WinnowTokenizers

/// The component forms of published tokenizer.json files (Qwen's "" prefixes, Llama 3.1's and
/// GLM-4's Sequence[ByteLevel, TemplateProcessing], Roberta/Bert processors, truncation and
/// padding) on the small fixture vocabularies: ids as HF's with and without special tokens
/// (Scripts/fixtures/tokenizers_published_forms.py).
struct PublishedFormsTests {
    static func forms() throws -> [(name: String, tokenizer: any LoadedTokenizer, cases: [JSONValue])] {
        guard case let .object(forms) = try Fixture.json("published-forms.json")["forms"] else { return [] }
        return try forms.map { member in
            guard case let .object(top) = try Fixture.json(member.value["base"].stringValue!), case let .object(replaced) = member.value["members"] else {
                throw WinnowError.invalid("bad fixture \(member.key)")
            }
            var spec = top
            for item in replaced {
                if item.key == "model", case var .object(model)? = spec["model"], case let .object(flags) = item.value {
                    for flag in flags { model[flag.key] = flag.value }
                    spec["model"] = .object(model)
                } else {
                    spec[item.key] = item.value
                }
            }
            let tokenizer = try TokenizerJSON.read(bytes: Array(JSONWriter.string(.object(spec)).utf8), path: member.key)
            return (member.key, tokenizer, member.value["cases"].array)
        }
    }

    @Test func publishedFormsEncodeAsHF() throws {
        let forms = try Self.forms()
        #expect(forms.count == 7)
        for form in forms {
            for item in form.cases {
                let text = Array(item["text"].stringValue!.utf8)
                #expect(try form.tokenizer.encode(text, specials: .recognize, addSpecialTokens: false) == item["ids"].array.map { UInt32($0.int) },
                        "\(form.name) \(item["text"].stringValue!.prefix(40).debugDescription)")
                #expect(try form.tokenizer.encode(text, specials: .recognize, addSpecialTokens: true)
                    == item["with_special_tokens"].array.map { UInt32($0.int) }, "\(form.name) with special tokens")
            }
        }
    }

    @Test func templatesReduceToTheirSpecialTokens() throws {
        let forms = Dictionary(try Self.forms().map { ($0.name, $0.tokenizer.postProcessing) }, uniquingKeysWith: { a, _ in a })
        #expect(forms["llama31-sequence-template"]?.prefix == [0] && forms["llama31-sequence-template"]?.suffix == [])
        #expect(forms["roberta"]?.prefix == [0] && forms["roberta"]?.suffix == [1])
        #expect(forms["truncation-padding"]?.truncation == .init(maxLength: 12, fromLeft: false))
        #expect(forms["qwen-empty-prefixes"]?.isIdentity == true)
    }
}
