import Testing
import WinnowCore
@testable import WinnowPipeline

/// Settings a probe found accepted that should be refused (issue 22): every numeric key goes
/// through one validated reader, unknown keys are named even when a required key is missing,
/// and every path a step names is checked when the pipeline loads.
@Suite struct SettingsValidationTests {
    let base = """
        name: demo
        workdir: /tmp/demo
        input: a/
        steps:
          - id: clean
            stage: filter
            from: input
            rules:
              - rule: length
                min: 10
        """

    func message(_ yaml: String) -> String {
        configError(yaml)?.description ?? "accepted"
    }

    @Test func negativeMaxDocBytes() {
        let text = message(base.replacingOccurrences(of: "input: a/", with: "input: a/\nmax_doc_bytes: -5"))
        #expect(text == "p.yaml:4: pipeline: 'max_doc_bytes' must be a whole number from 0 to 281474976710656, not -5")
    }

    @Test func negativeRetries() {
        let text = message(base.replacingOccurrences(of: "input: a/", with: "input: a/\nretries: -1"))
        #expect(text == "p.yaml:4: pipeline: 'retries' must be a whole number from 0 to 100, not -1")
    }

    @Test func absurdTaskCount() {
        let text = message(base.replacingOccurrences(of: "from: input", with: "from: input\n    tasks: 100000000000"))
        #expect(text == "p.yaml:8: step 'clean': 'tasks' must be a whole number from 1 to 1000000, not 100000000000")
    }

    @Test func negativeSeedIsRefusedNotTrapped() {
        #expect(message(base.replacingOccurrences(of: "input: a/", with: "input: a/\nseed: -1")).hasPrefix("p.yaml:4: pipeline: 'seed' must be"))
    }

    @Test func negativeRuleSetting() {
        #expect(message(base.replacingOccurrences(of: "min: 10", with: "min: -10")).hasPrefix("p.yaml:10: step 'clean', rule 1: 'min' must be a whole number from 0"))
    }

    @Test func notANumberIsRefused() {
        let yaml = base.replacingOccurrences(of: "- rule: length\n        min: 10", with: "- rule: fineweb\n        line_punct_thr: .nan")
        #expect(message(yaml).hasPrefix("p.yaml:10: step 'clean', rule 1: 'line_punct_thr' must be a number"))
    }

    @Test func unknownKeyNamedBeforeMissingRequiredOne() {
        let text = message(base.replacingOccurrences(of: "min: 10", with: "minimum: 50"))
        #expect(text == "p.yaml:10: step 'clean', rule 1: unknown key 'minimum' (did you mean 'min'?)")
    }

    @Test func missingRequiredKeyWithoutTypoSaysSo() {
        let text = message(base.replacingOccurrences(of: "min: 10", with: "unit: bytes"))
        #expect(text == "p.yaml:9: step 'clean', rule 1: 'min' or 'max' must be given")
    }

    @Test func fieldRuleStillTakesNegativeBounds() throws {
        let yaml = base.replacingOccurrences(of: "- rule: length\n        min: 10", with: "- rule: field\n        key: score\n        min: -1.5")
        #expect(yaml.contains("min: -1.5"))
        _ = try load(yaml)
    }

    @Test func packTokenizerPathCheckedAtLoad() {
        let yaml = base + """

              - id: pack
                stage: pack
                from: clean
                tokenizer: /nonexistent/tokenizer.json
            """
        #expect(message(yaml) == "p.yaml:14: step 'pack': 'tokenizer' names '/nonexistent/tokenizer.json', which does not exist")
    }

    @Test func evaluatedTokenizerPathsCheckedAtLoad() {
        let yaml = base + """

              - id: eval
                stage: tokenizer-evaluate
                from: clean
                tokenizers: [/nonexistent/a.json]
            """
        #expect(message(yaml).hasPrefix("p.yaml:14: step 'eval': 'tokenizers' names '/nonexistent/a.json', which does not exist"))
    }
}
