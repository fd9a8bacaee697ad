import Testing
import WinnowCore

/// tokenizer-train learns a vocabulary from the step's input; pack encodes with it and merges
/// the task parts into one Megatron shard whose size is what the counters say.
@Suite struct TokenizerPackStageTests {
    static let limit = 60_000
    let steps = """
          - id: tokenizer
            stage: tokenizer-train
            from: input
            vocab_size: 400
            byte_budget: 2000000
          - id: pack
            stage: pack
            from: input
            tokenizer_step: tokenizer
            format: megatron
        """

    @Test func trainsThenPacksWithTheTrainedVocabulary() throws {
        let run = try StageHarness("tokpack", steps: steps, maxDocBytes: Self.limit)
        let oversized = "reader: document over max_doc_bytes"

        let train = try #require(try run.run("tokenizer").first)
        #expect(train.made["tokens"] == 400 && train.made["files"] == 2)
        #expect(train.made["merges"] == 143)  // 400 less the 256 bytes and <|endoftext|>
        #expect(train.docsIn > 0 && train.addsUp && train.charsIn > 0)
        // The budget is in text bytes and stops reading early; characters never exceed bytes.
        #expect(train.docsIn < 560 && train.charsKept <= 2_000_000 + Int64(Self.limit))
        #expect(train.rejectedBy[oversized] ?? 0 > 0)
        let vocabulary = try run.object(in: "\(run.output("tokenizer"))/tokenizer.json")
        #expect(vocabulary["model"] != nil)

        let phases = try run.run("pack")
        #expect(phases.count == 2)
        let (packing, merging) = (phases[0], phases[1])
        #expect(packing.docsIn == 560 && packing.addsUp)
        let rejected = try #require(packing.rejectedBy[oversized])
        #expect(rejected > 0 && packing.docsKept == 560 - rejected)
        #expect(try run.documents(in: run.rejected("pack")).count == rejected)

        let tokens = try #require(packing.made["tokens"])
        #expect(tokens > 0 && merging.made["tokens"] == tokens)
        let outputs = listDirectory(run.output("pack"))
        let bin = try #require(outputs.first { $0.hasSuffix(".bin") })
        #expect(outputs.contains { $0.hasSuffix(".idx") } && outputs.contains("pack_report.json"))
        // A 400-token vocabulary fits in uint16: two bytes per token, nothing else in the .bin.
        #expect(fileSize("\(run.output("pack"))/\(bin)") == tokens * 2)
    }
}

/// tokenizer-train with `algorithm: unigram` writes tokenizer.json, tokenizer_config.json and the
/// sentencepiece tokenizer.model; pack encodes with the tokenizer.json.
@Suite struct UnigramPackStageTests {
    let steps = """
          - id: tokenizer
            stage: tokenizer-train
            from: input
            algorithm: unigram
            vocab_size: 1200
            byte_fallback: true
            byte_budget: 300000
          - id: pack
            stage: pack
            from: input
            tokenizer_step: tokenizer
            format: megatron
        """

    @Test func trainsUnigramThenPacks() throws {
        let run = try StageHarness("unigrampack", steps: steps, maxDocBytes: 60_000)
        let train = try #require(try run.run("tokenizer").first)
        #expect(train.made["tokens"] == 1200 && train.made["files"] == 3)
        #expect(train.docsIn > 0 && train.addsUp)
        let files = listDirectory(run.output("tokenizer"))
        #expect(Set(files).isSuperset(of: ["tokenizer.json", "tokenizer_config.json", "tokenizer.model"]))
        let vocabulary = try run.object(in: "\(run.output("tokenizer"))/tokenizer.json")
        guard case let .object(model)? = vocabulary["model"] else { Issue.record("no model object"); return }
        #expect(model["type"]?.stringValue == "Unigram" && model["byte_fallback"] == .bool(true))

        let phases = try run.run("pack")
        let tokens = try #require(phases[0].made["tokens"])
        #expect(tokens > 0 && phases[1].made["tokens"] == tokens)
    }

    @Test func refusesAnUnknownAlgorithm() throws {
        let bad = steps.replacingOccurrences(of: "algorithm: unigram", with: "algorithm: wordpiece")
        #expect(bad != steps)
        #expect(throws: (any Error).self) { try StageHarness("unigrambad", steps: bad, maxDocBytes: 60_000).run("tokenizer") }
    }
}

/// tokenizer-evaluate compares the tokenizers of earlier steps in one table.
@Suite struct TokenizerEvaluateStageTests {
    let steps = """
          - id: bpe
            stage: tokenizer-train
            from: input
            vocab_size: 500
            byte_budget: 300000
          - id: unigram
            stage: tokenizer-train
            from: input
            algorithm: unigram
            vocab_size: 1500
            byte_budget: 300000
          - id: compare
            stage: tokenizer-evaluate
            from: input
            tokenizer_steps: [bpe, unigram]
            byte_budget: 1000000
        """

    @Test func tablesBytesPerTokenAndFertility() throws {
        let run = try StageHarness("tokeval", steps: steps, maxDocBytes: 60_000)
        _ = try run.run("bpe")
        _ = try run.run("unigram")
        let compare = try #require(try run.run("compare").first)
        #expect(compare.made["tokenizers"] == 2 && compare.docsIn > 0)
        let report = try String(contentsOfFile: "\(run.output("compare"))/report.md", encoding: .utf8)
        let lines = report.split(separator: "\n")
        #expect(lines.first == "| measure | bpe | unigram |")
        #expect(lines.contains("| vocabulary | 500 | 1500 |"))
        // Every language of the documents read has a row, and every cell is a positive number.
        let rows = lines.filter { $0.hasPrefix("| tokens/word, ") }
        #expect(rows.count > 3)
        for row in lines.dropFirst(2) {
            let cells = row.split(separator: "|").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.allSatisfy { (Double($0) ?? 0) > 0 }, "\(row)")
        }
        let json = try readFile("\(run.output("compare"))/report.json").withUnsafeBytes { try JSONValue.parse($0) }
        guard case let .array(entries) = json else { Issue.record("report.json is not a list"); return }
        #expect(entries.count == 2)
    }

    @Test func needsATokenizer() throws {
        let bad = steps.replacingOccurrences(of: "    tokenizer_steps: [bpe, unigram]\n", with: "")
        #expect(bad != steps)
        #expect(throws: (any Error).self) { try StageHarness("tokevalbad", steps: bad, maxDocBytes: 60_000).run("compare") }
    }
}

/// tokenizer-train with `pre_tokenizer: metaspace`: sentencepiece-style BPE, only with the
/// settings tokenizer.json can hold (Llama 2's).
@Suite struct SentencePieceBPEStageTests {
    let steps = """
          - id: tokenizer
            stage: tokenizer-train
            from: input
            algorithm: bpe
            pre_tokenizer: metaspace
            vocab_size: 1200
            byte_fallback: true
            normalization: identity
            remove_extra_whitespaces: false
            byte_budget: 300000
        """

    @Test func trainsALlama2StyleBPE() throws {
        let run = try StageHarness("spbpe", steps: steps, maxDocBytes: 60_000)
        let train = try #require(try run.run("tokenizer").first)
        #expect(train.made["tokens"] == 1200 && train.made["files"] == 3)
        let vocabulary = try run.object(in: "\(run.output("tokenizer"))/tokenizer.json")
        guard case let .object(model)? = vocabulary["model"] else { Issue.record("no model object"); return }
        #expect(model["type"]?.stringValue == "BPE" && model["byte_fallback"] == .bool(true))
    }

    @Test func refusesSettingsTokenizerJSONCannotHold() throws {
        let bad = steps.replacingOccurrences(of: "    normalization: identity\n", with: "")
        #expect(bad != steps)
        #expect(throws: (any Error).self) { try StageHarness("spbpebad", steps: bad, maxDocBytes: 60_000).run("tokenizer") }
    }
}
