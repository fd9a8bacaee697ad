import Foundation
import Testing

/// A sentencepiece `.model` through the real binary: `winnow tokenizer encode/decode/inspect`,
/// and the pack stage writing shards whose documents decode back to their text.
@Suite(.serialized) struct SentencePieceCLITests {
    /// Byte fallback, identity rules, spaces kept: every text decodes back to itself.
    static let model = "\(CLI.repoRoot)/Tests/WinnowTokenizersTests/Fixtures/spm-unigram-bytes.model"
    static let texts = [
        "Größere Übersetzungen — 東京 😀\n  x = 12345;\n",
        "  Leading and trailing spaces, tabs\tand\r\nlines  ",
        "Debian est un système d'exploitation libre. 日本語のテキスト。 한국어 텍스트",
        "e\u{301} \u{FFFD} \u{0} control \u{1F} ＡＢＣ ﬁ",
    ]

    @Test func encodeDecodeAndInspect() throws {
        let text = Self.texts[0]
        let encoded = try CLI.run(["tokenizer", "encode", "--tokenizer", Self.model], stdin: Data(text.utf8))
        #expect(encoded.status == 0, "\(encoded.stderr)")
        let decoded = try CLI.run(["tokenizer", "decode", "--tokenizer", Self.model], stdin: Data(encoded.stdout.utf8))
        #expect(decoded.stdout == text)
        let refused = try CLI.run(["tokenizer", "encode", "--tokenizer", Self.model], stdin: Data("a</s>".utf8))
        #expect(refused.status != 0 && refused.stderr.contains("special token '</s>' at byte offset 1"))
        let inspect = try CLI.run(["tokenizer", "inspect", Self.model, "--sample", "hello <sep> world"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("type: sentencepiece unigram with byte fallback"))
        #expect(inspect.stdout.contains("end of text: 2"))
        // The user-defined piece is one token.
        #expect(inspect.stdout.contains(" | ▁ | <sep> | ▁ | "), "\(inspect.stdout)")
    }

    @Test func packWritesShardsThatDecodeBack() throws {
        let dir = try CLI.temporaryDirectory("spm-pack")
        let lines = Self.texts.enumerated().map { k, text in
            let escaped = String(data: try! JSONSerialization.data(withJSONObject: [text], options: []), encoding: .utf8)!.dropFirst().dropLast()
            return "{\"id\": \"d\(k)\", \"text\": \(escaped)}"
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: "\(dir)/docs.jsonl", atomically: true, encoding: .utf8)
        let yaml = """
            name: spm-pack
            workdir: \(dir)/run
            input: [\(dir)/docs.jsonl]
            retries: 0
            steps:
              - id: pack
                stage: pack
                from: input
                tokenizer: \(Self.model)
                bos: true
                seq_len: 64
            """
        let result = try CLI.run(["run", try CLI.writePipeline(yaml, in: dir)])
        #expect(result.status == 0, "\(result.stderr)")
        let shard = "\(dir)/run/pack/output/train_text_document.idx"
        let info = try CLI.json(try CLI.run(["inspect", shard, "--tokenizer", Self.model, "--json"]).stdout)
        #expect(info["valid"] as? Bool == true)
        #expect(info["documents"] as? Int == Self.texts.count)
        #expect(info["missing_eos"] as? Int == 0)
        for (k, text) in Self.texts.enumerated() {
            let inspect = try CLI.run(["inspect", shard, "--tokenizer", Self.model, "--doc", "\(k)", "--json"])
            #expect(inspect.status == 0, "\(inspect.stderr)")
            let document = try CLI.json(inspect.stdout)["document"] as? [String: Any]
            // <s> and </s> are control pieces: sentencepiece decodes them to nothing.
            #expect(document?["text"] as? String == text, "document \(k)")
        }
    }
}
