import Foundation
import Testing

/// `winnow tokenizer …` and the `tokenizer-train` stage through the real binary.
@Suite(.serialized) struct TokenizerCLITests {
    static func train(_ dir: String, extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["tokenizer", "train", "--vocab-size", "600", "--pre-tokenizer", "gpt4", "--byte-budget", "400000",
                     "--special-tokens", "<|endoftext|>,<pad>", "--input", "Samples/web/part-00000.jsonl.zst",
                     "--output", "\(dir)/tok/tokenizer.json", "--tiktoken", "\(dir)/tok/tok.tiktoken"] + extra)
    }

    @Test func trainEncodeDecodeRoundTrip() throws {
        let dir = try CLI.temporaryDirectory("tok")
        let trained = try Self.train(dir)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stderr.contains("trained 600 tokens"))
        let vocab = try CLI.json(String(contentsOfFile: "\(dir)/tok/tokenizer.json", encoding: .utf8))
        #expect(((vocab["model"] as? [String: Any])?["vocab"] as? [String: Any])?.count == 600)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/tok/tokenizer_config.json"))

        let text = "Größere Übersetzungen — 東京 😀\r\n  x = 12345;\n<|endoftext|>"
        let encoded = try CLI.run(["tokenizer", "encode", "--tokenizer", "\(dir)/tok/tokenizer.json", "--specials", "recognize"],
                                  stdin: Data(text.utf8))
        #expect(encoded.status == 0, "\(encoded.stderr)")
        #expect(encoded.stdout.hasSuffix(" 0\n"), "the special token is id 0")
        let decoded = try CLI.run(["tokenizer", "decode", "--tokenizer", "\(dir)/tok/tokenizer.json"], stdin: Data(encoded.stdout.utf8))
        #expect(decoded.stdout == text)

        // The .tiktoken file encodes the same (given the pattern and the specials it cannot hold).
        let viaTiktoken = try CLI.run(["tokenizer", "encode", "--tokenizer", "\(dir)/tok/tok.tiktoken", "--pattern", "gpt4",
                                       "--tiktoken-specials", "<|endoftext|>=0,<pad>=1", "--specials", "recognize"],
                                      stdin: Data(text.utf8))
        #expect(viaTiktoken.stdout == encoded.stdout)

        // Exported back from .tiktoken to tokenizer.json: the same merges and ids.
        let exported = try CLI.run(["tokenizer", "export", "\(dir)/tok/tok.tiktoken", "--pattern", "gpt4",
                                    "--tiktoken-specials", "<|endoftext|>=0,<pad>=1", "--format", "hf",
                                    "--output", "\(dir)/tok/roundtrip.json"])
        #expect(exported.status == 0, "\(exported.stderr)")
        let again = try CLI.run(["tokenizer", "encode", "--tokenizer", "\(dir)/tok/roundtrip.json", "--specials", "recognize"],
                                stdin: Data(text.utf8))
        #expect(again.stdout == encoded.stdout)
        let original = try CLI.json(String(contentsOfFile: "\(dir)/tok/tokenizer.json", encoding: .utf8))["model"] as? [String: Any]
        let copy = try CLI.json(String(contentsOfFile: "\(dir)/tok/roundtrip.json", encoding: .utf8))["model"] as? [String: Any]
        #expect((original?["merges"] as? [[String]]) == (copy?["merges"] as? [[String]]))
    }

    @Test func specialTextIsRefusedByDefault() throws {
        let dir = try CLI.temporaryDirectory("tok-refuse")
        #expect(try Self.train(dir).status == 0)
        let result = try CLI.run(["tokenizer", "encode", "--tokenizer", "\(dir)/tok/tokenizer.json"], stdin: Data("a <pad> b".utf8))
        #expect(result.status != 0)
        #expect(result.stderr.contains("special token '<pad>' at byte offset 2"))
    }

    @Test func inspectAndEvaluate() throws {
        let dir = try CLI.temporaryDirectory("tok-eval")
        #expect(try Self.train(dir).status == 0)
        let inspect = try CLI.run(["tokenizer", "inspect", "\(dir)/tok/tokenizer.json", "--sample", "hello there"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("vocabulary: 600 tokens"))
        #expect(inspect.stdout.contains("pre-tokenizer: cl100k"))
        #expect(inspect.stdout.contains("special tokens: <|endoftext|>=0 <pad>=1"))
        let evaluate = try CLI.run(["tokenizer", "evaluate", "\(dir)/tok/tokenizer.json", "--input", "Samples/web/part-00001.jsonl.zst",
                                    "--byte-budget", "300000", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let report = try CLI.json(evaluate.stdout)
        let total = report["total"] as? [String: Any] ?? [:]
        let bytes = total["bytes"] as? Int ?? 0, tokens = total["tokens"] as? Int ?? 0
        #expect(bytes >= 300_000 && tokens > 0 && tokens < bytes)
        let languages = report["languages"] as? [String: Any] ?? [:]
        #expect(languages.count > 5)
        let words = languages.values.map { ($0 as? [String: Any])?["words"] as? Int ?? 0 }
        #expect(words.allSatisfy { $0 > 0 }, "every language has a word count for its fertility")
        #expect((total["words"] as? Int ?? 0) == words.reduce(0, +))
    }

    @Test func badInputsFailWithOneClearLine() throws {
        let dir = try CLI.temporaryDirectory("tok-bad")
        let pattern = try CLI.run(["tokenizer", "train", "--vocab-size", "600", "--pre-tokenizer", "bert",
                                   "--input", "Samples/web/part-00000.jsonl.zst", "--output", "\(dir)/t.json"])
        #expect(pattern.status != 0)
        #expect(pattern.stderr.contains("unknown --pre-tokenizer 'bert'"))
        let unsupported = "\(dir)/nfkc.json"
        try #"{"normalizer": {"type": "NFKC"}, "model": {"type": "BPE", "vocab": {}, "merges": []}}"#
            .write(toFile: unsupported, atomically: true, encoding: .utf8)
        let loaded = try CLI.run(["tokenizer", "inspect", unsupported])
        #expect(loaded.status != 0)
        #expect(loaded.stderr.contains("normalizer 'NFKC' is not supported"))
        let missing = try CLI.run(["tokenizer", "inspect", "\(dir)/none.json"])
        #expect(missing.stderr.contains("no such tokenizer file"))
    }

    @Test func tokenizerTrainStageWritesTokenizerJSON() throws {
        let dir = try CLI.temporaryDirectory("tok-stage")
        let path = try CLI.writePipeline("""
            name: tok
            workdir: \(dir)/run
            seed: 7
            input: [Samples/web/*.jsonl.zst]
            steps:
              - id: tokenizer
                stage: tokenizer-train
                from: input
                vocab_size: 500
                pre_tokenizer: llama3
                byte_budget: 300000
                weight_key: language
                weights: {en: 0.5}
            """, in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        let inspect = try CLI.run(["tokenizer", "inspect", "\(dir)/run/tokenizer/output/tokenizer.json"])
        #expect(inspect.stdout.contains("vocabulary: 500 tokens"), "\(inspect.stderr)")
        let status = try CLI.json(try CLI.run(["status", "\(dir)/run", "--json"]).stdout)
        let steps = status["steps"] as? [[String: Any]] ?? []
        let counters = steps.first?["counters"] as? [String: Any] ?? [:]
        #expect((counters["docs_in"] as? Int ?? 0) > 0)
        #expect((counters["bytes_in"] as? Int ?? 0) >= 300_000)

        let bad = try CLI.writePipeline("""
            name: tok
            workdir: \(dir)/bad
            input: [Samples/web/*.jsonl.zst]
            steps:
              - id: tokenizer
                stage: tokenizer-train
                from: input
                vocab_size: 500
                vocab: 3
            """, in: dir)
        let failed = try CLI.run(["run", bad])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("unknown key 'vocab'"))
    }
}
