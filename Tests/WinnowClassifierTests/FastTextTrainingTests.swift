import Foundation
import Testing
import WinnowCore
@testable import WinnowClassifier

@Suite struct FastTextTrainingTests {
    /// A small, separable task: three topics with their own vocabularies and shared noise words.
    static func makeTrainingFile(lines: Int, seed: UInt64) throws -> String {
        let topics = [
            ("sport", ["goal", "match", "team", "score", "league", "coach", "striker"]),
            ("food", ["bread", "cheese", "recipe", "oven", "salt", "butter", "flour"]),
            ("code", ["compiler", "swift", "function", "bug", "array", "pointer", "loop"]),
        ]
        let noise = ["the", "a", "and", "of", "today", "really", "very", "über", "中文"]
        var random = SplitMix64(seed: seed)
        var text = ""
        for i in 0..<lines {
            let (label, words) = topics[i % topics.count]
            var tokens = ["__label__\(label)"]
            for _ in 0..<(6 + random.below(6)) {
                tokens.append(random.below(3) == 0 ? noise[random.below(noise.count)] : words[random.below(words.count)])
            }
            text += tokens.joined(separator: " ") + "\n"
        }
        let dir = NSTemporaryDirectory() + "winnow-ft-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = "\(dir)/train.txt"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: FastTextArgs.Loss.allCases)
    func learnsASeparableTaskWithEveryLoss(loss: FastTextArgs.Loss) throws {
        let train = try FastTextTrainingTests.makeTrainingFile(lines: 3000, seed: 1)
        let test = try FastTextTrainingTests.makeTrainingFile(lines: 600, seed: 2)
        var args = FastTextArgs()
        args.loss = loss
        args.dim = 10
        args.epoch = 5
        args.lr = 0.5
        args.wordNgrams = 2
        args.bucket = 10_000
        args.minn = 2
        args.maxn = 3
        args.threads = 2
        let (model, report) = try FastTextTrainer.train(inputPath: train, args: args)
        #expect(report.labels == 3)
        #expect(report.examples == 3000)
        let result = try model.test(path: test, k: 1, threshold: 0)
        #expect(result.examples == 600)
        #expect(result.precision > 0.95, "P@1 \(result.precision) with \(loss.name)")
    }

    @Test func savedModelsReloadToTheSameBytesAndPredictions() throws {
        let train = try FastTextTrainingTests.makeTrainingFile(lines: 900, seed: 3)
        var args = FastTextArgs()
        args.dim = 8
        args.wordNgrams = 2
        args.bucket = 5000
        args.threads = 1
        let (model, _) = try FastTextTrainer.train(inputPath: train, args: args)
        let path = train + ".bin"
        try model.save(to: path)
        let reloaded = try FastTextModel(path: path)
        #expect(reloaded.labels == model.labels)
        #expect(reloaded.args.bucket == 5000)
        for text in ["goal team coach", "bread oven", "swift compiler bug", "nothing known here"] {
            #expect(reloaded.predict(text, k: nil) == model.predict(text, k: nil))
        }
        try reloaded.save(to: path + ".again")
        #expect(try readFile(path) == readFile(path + ".again"))
    }

    @Test func noBucketsWithoutNgrams() throws {
        let train = try FastTextTrainingTests.makeTrainingFile(lines: 300, seed: 4)
        var args = FastTextArgs()
        args.dim = 4
        let (model, _) = try FastTextTrainer.train(inputPath: train, args: args)
        #expect(model.args.bucket == 0, "fastText allocates no buckets when wordNgrams is 1 and maxn 0")
    }

    @Test func fileWithoutLabelsIsAnError() throws {
        let path = NSTemporaryDirectory() + "winnow-nolabels-\(UUID().uuidString).txt"
        try "just words\nno labels at all\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: WinnowError.self) { try FastTextTrainer.train(inputPath: path, args: FastTextArgs()) }
    }
}

@Suite struct FastTextFileErrorTests {
    let fixture = FastTextFixtureTests.fixtures + "/softmax.bin"

    func write(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "winnow-bad-\(UUID().uuidString).bin"
        try writeFileAtomically(path, bytes)
        return path
    }

    func message(_ bytes: [UInt8]) throws -> String {
        let path = try write(bytes)
        do {
            _ = try FastTextModel(path: path)
            return "no error"
        } catch {
            return "\(error)".replacingOccurrences(of: path, with: "MODEL")
        }
    }

    @Test func truncatedFilesNameTheOffset() throws {
        let bytes = try readFile(fixture)
        // magic and version (8 bytes), then dim, ws, epoch, minCount, neg (20 bytes): wordNgrams is cut.
        #expect(try message(Array(bytes.prefix(30))) == "MODEL: file is truncated: wordNgrams needs 4 bytes, 2 left at byte offset 28")
    }

    @Test func wrongMagicAndUnknownVersion() throws {
        var bytes = try readFile(fixture)
        bytes[0] = 0
        #expect(try message(bytes).hasPrefix("MODEL: not a fastText model (magic number"))
        bytes = try readFile(fixture)
        bytes[4] = 13
        #expect(try message(bytes) == "MODEL: fastText model version 13 is not supported (11 and 12 are) at byte offset 8")
    }

    @Test func matrixLargerThanTheFile() throws {
        let bytes = try readFile(fixture)
        #expect(try message(Array(bytes.prefix(bytes.count - 100))).contains("does not fit in the"))
        #expect(try message(bytes + [0, 0]) .contains("2 unexpected bytes after the output matrix"))
    }
}
