import Testing
import WinnowCore
@testable import WinnowPipeline

func load(_ yaml: String) throws -> Pipeline { try Pipeline.parse(yaml: yaml, path: "p.yaml") }

func configError(_ yaml: String) -> WinnowError? {
    do { _ = try load(yaml); return nil } catch let error as WinnowError { return error } catch { return nil }
}

@Suite struct PipelineFileTests {
    let valid = """
        name: demo
        workdir: /tmp/demo
        seed: 7
        input: [a/*.jsonl.zst, b/]
        workers: 3
        steps:
          - id: second
            stage: filter
            from: first
          - id: first
            stage: filter
            from: input
            tasks: 2
            rules:
              - rule: length
                min: 10
        """

    @Test func parsesAndOrdersSteps() throws {
        let p = try load(valid)
        #expect(p.name == "demo")
        #expect(p.seed == 7)
        #expect(p.input == ["a/*.jsonl.zst", "b/"])
        #expect(p.workers == 3)
        #expect(p.steps.map(\.id) == ["first", "second"])
        #expect(p.step("first")?.tasks == 2)
        #expect(p.downstream(of: "first").map(\.id) == ["first", "second"])
    }

    @Test func fingerprintsFollowSettingsAndUpstream() throws {
        let p = try load(valid)
        let changed = try load(valid.replacingOccurrences(of: "min: 10", with: "min: 11"))
        #expect(p.step("first")?.fingerprint != changed.step("first")?.fingerprint)
        #expect(p.step("second")?.fingerprint != changed.step("second")?.fingerprint, "a change upstream changes downstream")
        let reformatted = try load(valid.replacingOccurrences(of: "input: [a/*.jsonl.zst, b/]", with: "input:\n  - a/*.jsonl.zst\n  - b/"))
        #expect(p.step("second")?.fingerprint == reformatted.step("second")?.fingerprint, "layout is not a change")
    }

    /// A pack step reads its tokenizer from a tokenizer-train step named in its settings, not
    /// in `from`: it must still run after that step, be redone with it and change with it.
    let packAfterTokenizer = """
        name: demo
        input: [a/*.jsonl.zst]
        steps:
          - id: pack
            stage: pack
            from: input
            tokenizer_step: tok
          - id: tok
            stage: tokenizer-train
            from: input
            vocab_size: 300
          - id: evaluate
            stage: tokenizer-evaluate
            from: input
            tokenizer_steps: [tok]
        """

    @Test func stepsNamedInSettingsAreDependencies() throws {
        let p = try load(packAfterTokenizer)
        #expect(p.steps.map(\.id) == ["tok", "pack", "evaluate"], "pack comes after the tokenizer it encodes with")
        #expect(p.step("pack")?.dependencies == ["tok"])
        #expect(p.downstream(of: "tok").map(\.id) == ["tok", "pack", "evaluate"], "--from tok redoes pack and evaluate")
        let changed = try load(packAfterTokenizer.replacingOccurrences(of: "vocab_size: 300", with: "vocab_size: 400"))
        #expect(p.step("pack")?.fingerprint != changed.step("pack")?.fingerprint)
        #expect(p.step("evaluate")?.fingerprint != changed.step("evaluate")?.fingerprint)
        let unknown = configError(packAfterTokenizer.replacingOccurrences(of: "tokenizer_step: tok", with: "tokenizer_step: tokk"))
        #expect(unknown?.description == "p.yaml:4: step 'pack': its settings name the step 'tokk', which is not another step of this pipeline")
        let cycle = configError(packAfterTokenizer.replacingOccurrences(of: "vocab_size: 300", with: "vocab_size: 300\n    from: pack")
            .replacingOccurrences(of: "stage: tokenizer-train\n    from: input", with: "stage: tokenizer-train"))
        #expect(cycle?.description.contains("read from each other in a cycle") == true)
    }

    @Test func unknownTopLevelKeyNamesKeyAndLine() {
        let error = configError(valid.replacingOccurrences(of: "seed: 7", with: "seeed: 7"))
        #expect(error == .config(path: "p.yaml", line: 3, detail:
            "pipeline: unknown key 'seeed' (known keys: columns, compression_level, executor, id_key, input, max_doc_bytes, name, retries, seed, slurm, steps, text_key, workdir, workers)"))
    }

    @Test func unknownStepKeyNamesKeyAndLine() {
        let error = configError(valid.replacingOccurrences(of: "tasks: 2", with: "taks: 2"))
        #expect(error?.description.hasPrefix("p.yaml:13: step 'first': unknown key 'taks'") == true)
    }

    @Test func unknownStage() {
        let error = configError(valid.replacingOccurrences(of: "stage: filter\n    from: first", with: "stage: filtre\n    from: first"))
        let message = error?.description ?? ""
        #expect(message.hasPrefix("p.yaml:8: step 'second': 'stage' names an unknown stage 'filtre' (known stages: "))
        #expect(message.contains("filter, "), "the message lists the registered stages")
    }

    @Test func missingAndDanglingFrom() {
        let missing = configError(valid.replacingOccurrences(of: "    from: first\n", with: ""))
        #expect(missing?.description.contains("'from' must be given") == true)
        let dangling = configError(valid.replacingOccurrences(of: "from: first", with: "from: nowhere"))
        #expect(dangling?.description == "p.yaml:7: step 'second': 'from' names 'nowhere', which is neither 'input' nor a step")
    }

    @Test func cycles() {
        let error = configError(valid.replacingOccurrences(of: "from: input", with: "from: second"))
        #expect(error?.description == "p.yaml:7: steps second, first read from each other in a cycle")
    }

    @Test func duplicateIDs() {
        let error = configError(valid.replacingOccurrences(of: "id: second", with: "id: first"))
        #expect(error?.description.contains("'first' is already used by the step on line 7") == true)
    }

    @Test func invalidYAMLNamesTheLine() {
        let error = configError("name: x\nsteps: [\n  - a: b\n")
        guard case let .config(path, line, detail)? = error else { Issue.record("no config error"); return }
        #expect(path == "p.yaml")
        #expect(line != nil)
        #expect(detail.hasPrefix("not valid YAML"))
    }

    @Test func shardAssignmentFollowsDatatrove() {
        let context = TaskAssignment(stepID: "s", rank: 1, world: 3, inputShards: (0..<8).map { "/d/p\($0).jsonl" },
                                  outputDirectory: "/o", rejectedDirectory: "/r", stepDirectory: "/s", seed: 0, compressionLevel: 3,
                                  maxDocBytes: 0, progress: { _ in })
        #expect(context.shards == ["/d/p1.jsonl", "/d/p4.jsonl", "/d/p7.jsonl"])
        #expect(context.outputName(for: "/d/p1.jsonl") == "p1.jsonl.zst")
        #expect(ShardNaming.outputName(for: "/x/a/p.jsonl.gz", among: ["/x/a/p.jsonl.gz", "/x/b/p.jsonl.gz"]) == "a__p.jsonl.zst")
    }
}

/// A step's output settings (`output_format` and the Parquet ones): read, and refused where
/// they cannot apply.
@Suite struct OutputFormatSettingsTests {
    func pipeline(_ step: String, stage: String = "filter", next: String = "") -> String {
        """
        name: demo
        input: [a/*.jsonl.zst]
        steps:
          - id: first
            stage: \(stage)
        \(step.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        \(next)
        """
    }

    @Test func readsParquetSettings() throws {
        let p = try load(pipeline("from: input\noutput_format: parquet\ncompression: gzip\nrow_group_size: 64MB\noutput_columns:\n  url: string\n  score: double"))
        let schema = ParquetDocumentSchema(declared: [.init(key: "url", type: .string), .init(key: "score", type: .double)])
        #expect(p.steps[0].outputFormat == .parquet(schema, ParquetWriteOptions(codec: .gzip, level: 6, rowGroupSize: .bytes(64 << 20))))
        let rows = try load(pipeline("from: input\noutput_format: parquet\nrow_group_size: 10_000"))
        #expect(rows.steps[0].outputFormat == .parquet(ParquetDocumentSchema(), ParquetWriteOptions(codec: .zstd, level: 3, rowGroupSize: .rows(10_000))))
        #expect(try load(pipeline("from: input")).steps[0].outputFormat == .jsonl)
    }

    @Test func refusesWhatCannotApply() {
        func message(_ yaml: String) -> String { configError(yaml)?.description ?? "" }
        #expect(message(pipeline("from: input\ncompression: snappy")).contains("'compression' applies only to Parquet output"))
        #expect(message(pipeline("from: input\noutput_format: parquet\ncompression: lzo")).contains("'compression' must be one of zstd, snappy, gzip, none"))
        #expect(message(pipeline("from: input\noutput_format: parquet\nrow_group_size: lots")).contains("'row_group_size' must be a number of rows"))
        #expect(message(pipeline("from: input\noutput_format: parquet\noutput_columns:\n  text: string")).contains("may not declare 'text'"))
        #expect(message(pipeline("from: input\noutput_format: parquet\noutput_columns:\n  n: integer")).contains("gives 'n' the type 'integer'"))
        #expect(message(pipeline("from: input\noutput_format: parquet\noutput_columns: [url]")).contains("must map metadata keys to column types"))
        #expect(message(pipeline("from: input\noutput_format: parquet\nvocab_size: 300", stage: "tokenizer-train"))
            .contains("'output_format' does not apply to the tokenizer-train stage"))
        #expect(message(pipeline("from: input\noutput_format: parquet", next: "  - id: second\n    stage: filter\n    from: first")) == "")
    }
}
