import Foundation
import Testing
import WinnowCore
import WinnowFuzzing

/// Replays, through the same code the fuzzer drives, every seed and every input the fuzzer ever
/// found crashing (Tests/WinnowFuzzingTests/Regressions/TARGET/, kept by Scripts/fuzz.sh). A
/// reader that traps again kills this test process: that is the failure.
@Suite struct FuzzRegressionTests {
    static let repository = String(#filePath.dropLast("Tests/WinnowFuzzingTests/FuzzRegressionTests.swift".count))
    static let regressions = repository + "Tests/WinnowFuzzingTests/Regressions"

    @Test(arguments: FuzzTargets.all.map(\.name))
    func seedsAreReadWithoutTrapping(target name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let seeds = try FuzzSeeds.inputs(of: target, repository: Self.repository)
        #expect(!seeds.isEmpty)
        // Real files should read cleanly, except the deliberately broken samples.
        for seed in seeds where !seed.name.contains("corrupt") && !seed.name.contains("bad-lines") {
            let error = target.run(seed.bytes)
            #expect(error == nil, "\(name): seed \(seed.name): \(String(describing: error))")
        }
    }

    @Test(arguments: FuzzTargets.all.map(\.name))
    func foundCrashesStayFixed(target name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let directory = "\(Self.regressions)/\(name)"
        for file in listDirectory(directory).sorted() {
            // Thrown or read: either is fine; what this proves is that the process is still here.
            _ = target.run(try readFile("\(directory)/\(file)"))
        }
    }

    /// The issue's damaged inputs, through the fuzz targets too.
    @Test func issueInputsAreErrors() throws {
        var model = try readFile(Self.repository + "Pipelines/preselect/preselect.bin")
        withUnsafeBytes(of: (Int64(1) << 62).littleEndian) { for k in 0..<8 { model[507525 + k] = $0[k] } }
        #expect(FuzzTargets.named("fasttext-bin")?.run(model) != nil)
    }
}
