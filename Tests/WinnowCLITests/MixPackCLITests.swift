import Foundation
import Testing

/// Raw samples through tag, mix, tokenizer-train and pack with the real binary: token counts
/// per domain agree between the mix report, the pack report and the shards; MeCo prefixes are
/// in the main phase only; inspect validates every shard and decodes documents.
@Suite(.serialized) struct MixPackCLITests {
    static let rules = """
        debian-handbook.info Technology
        debian.org/doc Education
        """

    func pipeline(_ dir: String, packing: String = "documents", format: String = "megatron", threads: Int = 1) -> String {
        """
        name: mixpack
        workdir: \(dir)/run
        seed: 5
        input: [Samples/web/*.jsonl.zst]
        workers: 2
        retries: 0
        steps:
          - id: tag
            stage: tag
            from: input
            domain_rules: \(dir)/rules.txt
          - id: mix
            stage: mix
            from: tag
            weights: {Technology: 0.8, Education: 0.2}
            max_epochs: 2
            buckets: 2
            phases:
              - name: main
                fraction: 0.9
              - name: cooldown
                fraction: 0.1
          - id: tokenizer
            stage: tokenizer-train
            from: mix
            vocab_size: 1000
            byte_budget: 1000000
          - id: pack
            stage: pack
            from: mix
            tokenizer_step: tokenizer
            format: \(format)
            packing: \(packing)
            seq_len: 256
            threads: \(threads)
        """
    }

    func run(_ name: String, packing: String = "documents", format: String = "megatron", threads: Int = 1) throws -> String {
        let dir = try CLI.temporaryDirectory(name)
        try Self.rules.write(toFile: "\(dir)/rules.txt", atomically: true, encoding: .utf8)
        let path = try CLI.writePipeline(pipeline(dir, packing: packing, format: format, threads: threads), in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        return dir
    }

    @Test func tokensPerDomainMatchTheMixReportAndPrefixesStopAtTheCooldown() throws {
        let dir = try run("mixpack")
        let mix = try CLI.json(String(contentsOfFile: "\(dir)/run/mix/output/mix_report.json", encoding: .utf8))
        let pack = try CLI.json(String(contentsOfFile: "\(dir)/run/pack/output/pack_report.json", encoding: .utf8))
        let mixPhases = mix["phases"] as? [String: Any] ?? [:]
        let packPhases = pack["phases"] as? [String: Any] ?? [:]
        #expect(Set(mixPhases.keys) == ["main", "cooldown"])
        // Education (14 documents) is asked for 2 epochs' worth and capped: the report says so.
        let education = (mix["sources"] as? [String: Any])?["Education"] as? [String: Any] ?? [:]
        #expect(education["capped"] as? Bool == true)
        #expect((education["max_copies_of_a_document"] as? Int ?? 0) >= 2)

        let tokenizer = "\(dir)/run/tokenizer/output/tokenizer.json"
        for phase in ["main", "cooldown"] {
            let mixSources = (mixPhases[phase] as? [String: Any])?["sources"] as? [String: Any] ?? [:]
            let packPhase = packPhases[phase] as? [String: Any] ?? [:]
            let byDomain = packPhase["by_value"] as? [String: Any] ?? [:]
            // Every document the mix put in a phase is packed in that phase, domain by domain.
            for domain in ["Technology", "Education"] {
                let mixed = (mixSources[domain] as? [String: Any])?["documents"] as? Int ?? -1
                let packed = (byDomain[domain] as? [String: Any])?["documents"] as? Int ?? -2
                #expect(mixed == packed, "\(phase) \(domain)")
            }
            // The domains' tokens add up to what the phase's shard holds.
            let domainTokens = byDomain.values.compactMap { ($0 as? [String: Any])?["tokens"] as? Int }.reduce(0, +)
            let shard = "\(dir)/run/pack/output/train_\(phase)_text_document.idx"
            let inspect = try CLI.run(["inspect", shard, "--tokenizer", tokenizer, "--json"])
            #expect(inspect.status == 0, "\(inspect.stdout)\(inspect.stderr)")
            let shardInfo = try CLI.json(inspect.stdout)
            #expect(shardInfo["tokens"] as? Int == domainTokens)
            #expect(shardInfo["valid"] as? Bool == true)
            #expect(shardInfo["missing_eos"] as? Int == 0)
            let documents = packPhase["documents"] as? Int ?? -1
            #expect(shardInfo["documents"] as? Int == documents)
            // MeCo: every main document carries its prefix, masked; no cooldown document does.
            #expect(packPhase["documents_with_prefix"] as? Int == (phase == "main" ? documents : 0))
            // Main masks its prefixes; the cooldown masks nothing, so it has no mask file.
            if phase == "main" {
                #expect((shardInfo["mask_coverage"] as? Double ?? 1) < 1)
            } else {
                #expect(shardInfo["mask_coverage"] is NSNull)
                #expect(!FileManager.default.fileExists(atPath: "\(dir)/run/pack/output/train_cooldown_text_document.loss"))
            }
            let first = try CLI.json(try CLI.run(["inspect", shard, "--tokenizer", tokenizer, "--doc", "0", "--json"]).stdout)
            let text = (first["document"] as? [String: Any])?["text"] as? String ?? ""
            #expect(text.hasPrefix("URL: ") == (phase == "main"))
            #expect(text.hasSuffix("<|endoftext|>"))
        }
        // Packing again gives the same bytes (parts merged in rank order, nothing random).
        let first = try CLI.tree("\(dir)/run/pack/output")
        #expect(try CLI.run(["run", "\(dir)/pipeline.yaml", "--from", "pack"]).status == 0)
        #expect(try CLI.tree("\(dir)/run/pack/output") == first)
    }

    /// Also encodes with two threads per task: the result must be as complete as with one.
    @Test func bestFitPacksEveryTokenAndReportsPadding() throws {
        let dir = try run("bestfit", packing: "best-fit", format: "datatrove", threads: 2)
        let pack = try CLI.json(String(contentsOfFile: "\(dir)/run/pack/output/pack_report.json", encoding: .utf8))
        let main = (pack["phases"] as? [String: Any])?["main"] as? [String: Any] ?? [:]
        let tokens = main["tokens"] as? Int ?? -1, padding = main["padding_tokens"] as? Int ?? -1
        let sequences = main["sequences"] as? Int ?? -1
        #expect(tokens + padding == sequences * 257)
        let info = try CLI.json(try CLI.run(["inspect", "\(dir)/run/pack/output/train_main.ds", "--json"]).stdout)
        #expect(info["tokens"] as? Int == sequences * 257)
        #expect((info["length_quantiles"] as? [String: Any])?["p0"] as? Int == 257)
    }

    @Test func badTokenShardsAndSettingsGiveOneClearLine() throws {
        let dir = try CLI.temporaryDirectory("badpack")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(dir)/x.idx"))
        try Data([0, 0]).write(to: URL(fileURLWithPath: "\(dir)/x.bin"))
        let result = try CLI.run(["inspect", "\(dir)/x.idx"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("x.idx"))
        let yaml = """
            name: bad
            workdir: \(dir)/run
            input: [Samples/web/*.jsonl.zst]
            steps:
              - id: pack
                stage: pack
                from: input
                tokenizer: Tests/WinnowTokenizersTests/Fixtures/llama3-2000.tokenizer.json
                packing: zigzag
            """
        let bad = try CLI.run(["run", try CLI.writePipeline(yaml, in: dir)])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("pipeline.yaml:9") && bad.stderr.contains("packing"))
    }

    /// Sources by input folder; a source weighted 0 is dropped whole, to rejected/, and counted.
    @Test func foldersAsSourcesAndNothingLost() throws {
        let dir = try CLI.temporaryDirectory("mixfolders")
        for (folder, shard) in [("wiki", "part-00000"), ("web", "part-00001")] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(folder)", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(CLI.repoRoot)/Samples/web/\(shard).jsonl.zst", toPath: "\(dir)/\(folder)/\(shard).jsonl.zst")
        }
        let yaml = """
            name: folders
            workdir: \(dir)/run
            seed: 1
            input: [\(dir)/wiki/*.jsonl.zst, \(dir)/web/*.jsonl.zst]
            retries: 0
            steps:
              - id: mix
                stage: mix
                from: input
                group_by: folder
                weights: {wiki: 1, web: 0}
                buckets: 3
            """
        let result = try CLI.run(["run", try CLI.writePipeline(yaml, in: dir)])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(String(contentsOfFile: "\(dir)/run/mix/output/mix_report.json", encoding: .utf8))
        let sources = report["sources"] as? [String: Any] ?? [:]
        let wiki = (sources["wiki"] as? [String: Any])?["documents"] as? Int ?? -1
        let web = (sources["web"] as? [String: Any])?["documents"] as? Int ?? -1
        // The total defaults to all the data, so wiki fills web's share too: repeated, up to the cap.
        let copies = (((report["phases"] as? [String: Any])?["main"] as? [String: Any])?["sources"] as? [String: Any])?["wiki"] as? [String: Any]
        let kept = try CLI.json(try CLI.run(["inspect", "\(dir)/run/mix/output", "--json"]).stdout)
        #expect(kept["documents"] as? Int == copies?["documents"] as? Int)
        #expect((kept["documents"] as? Int ?? 0) > wiki)
        #expect(((sources["wiki"] as? [String: Any])?["max_copies_of_a_document"] as? Int ?? 0) >= 2)
        let rejected = try CLI.json(try CLI.run(["inspect", "\(dir)/run/mix/rejected", "--json"]).stdout)
        #expect(rejected["documents"] as? Int == web)
        // The same documents in the same order on a second run (seeded).
        let first = try CLI.tree("\(dir)/run/mix/output")
        #expect(try CLI.run(["run", try CLI.writePipeline(yaml, in: dir), "--from", "mix"]).status == 0)
        #expect(try CLI.tree("\(dir)/run/mix/output") == first)
    }
}

/// A step may read the outputs of several steps; the mix groups them by the step they came from.
@Suite struct MixStepSourcesTests {
    @Test func mixesTheOutputsOfTwoSteps() throws {
        let dir = try CLI.temporaryDirectory("mix-steps")
        let yaml = """
            name: mix-steps
            workdir: \(dir)/run
            input: [Samples/web/part-00000.jsonl.zst, Samples/web/part-00001.jsonl.zst]
            retries: 0
            steps:
              - id: short
                stage: filter
                from: input
                rules:
                  - rule: length
                    max: 8000
              - id: long
                stage: filter
                from: input
                rules:
                  - rule: length
                    min: 8001
              - id: mix
                stage: mix
                from: [short, long]
                group_by: folder
                weights: {short: 1, long: 1}
                buckets: 2
            """
        let path = try CLI.writePipeline(yaml, in: dir)
        let result = try CLI.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(String(contentsOfFile: "\(dir)/run/mix/output/mix_report.json", encoding: .utf8))
        let sources = report["sources"] as? [String: Any] ?? [:]
        #expect(Set(sources.keys) == ["short", "long"])
        let short = try CLI.json(try CLI.run(["inspect", "\(dir)/run/short/output", "--json"]).stdout)["documents"] as? Int
        let long = try CLI.json(try CLI.run(["inspect", "\(dir)/run/long/output", "--json"]).stdout)["documents"] as? Int
        #expect((sources["short"] as? [String: Any])?["documents"] as? Int == short)
        #expect((sources["long"] as? [String: Any])?["documents"] as? Int == long)
        #expect((short ?? 0) + (long ?? 0) == 280)
        // Changing one source redoes the mix only after --from, like any upstream change.
        _ = try CLI.writePipeline(yaml.replacingOccurrences(of: "max: 8000", with: "max: 9000"), in: dir)
        let refused = try CLI.run(["run", path])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("redo it with --from short"))
    }

    @Test func listsOfSourcesAreChecked() throws {
        let yaml = """
            name: bad
            input: [x]
            steps:
              - id: a
                stage: filter
                from: [input, nowhere]
            """
        let dir = try CLI.temporaryDirectory("from-list")
        let result = try CLI.run(["run", try CLI.writePipeline(yaml, in: dir)])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'from' names 'nowhere', which is neither 'input' nor a step"))
    }
}

/// Mix targets in tokens: sources are measured with a tokenizer, and the report's achieved
/// tokens are the tokens of the documents written.
@Suite struct MixTokenTargetTests {
    @Test func measuresSourcesInTokens() throws {
        let dir = try CLI.temporaryDirectory("mix-tokens")
        let tokenizer = "\(CLI.repoRoot)/Tests/WinnowTokenizersTests/Fixtures/llama3-2000.tokenizer.json"
        let yaml = """
            name: mix-tokens
            workdir: \(dir)/run
            input: [Samples/web/part-00000.jsonl.zst]
            retries: 0
            steps:
              - id: mix
                stage: mix
                from: input
                group_by: source
                measure: tokens
                tokenizer: \(tokenizer)
                total: 400000
                buckets: 1
            """
        let result = try CLI.run(["run", try CLI.writePipeline(yaml, in: dir)])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(String(contentsOfFile: "\(dir)/run/mix/output/mix_report.json", encoding: .utf8))
        #expect(report["measure"] as? String == "tokens")
        let main = (report["phases"] as? [String: Any])?["main"] as? [String: Any] ?? [:]
        let achieved = main["achieved"] as? Double ?? (main["achieved"] as? Int).map(Double.init) ?? 0
        // Each document is drawn with the probability the plan gives its source, so a mix of a
        // few dozen documents lands near the target, not on it (the report says how near).
        #expect(achieved > 200_000 && achieved < 600_000)
        // Count the tokens of what was written, independently.
        let encoded = try CLI.run(["tokenizer", "encode", "--tokenizer", tokenizer, "--input", "\(dir)/run/mix/output"])
        #expect(encoded.status == 0, "\(encoded.stderr)")
        let tokens = encoded.stdout.split(separator: "\n").reduce(0) { $0 + $1.split(separator: " ").count }
        #expect(Double(tokens) == achieved)
    }
}
