import Foundation
import Testing
import WinnowCore
@testable import WinnowTokenizers

/// Damaged tokenizer files are errors naming the file, never traps (issue 22).
@Suite struct DamagedTokenizerFileTests {
    /// The probe's input: an added token whose id is -1 or 2^32 trapped in `UInt32(id)`.
    @Test(arguments: ["-1", "4294967296", "0.5", "1e300"])
    func addedTokenIDOutOfRange(id: String) throws {
        let text = String(decoding: try Fixture.bytes("llama3-2000.tokenizer.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"id\": 1,", with: "\"id\": \(id),")
        #expect(throws: WinnowError.self) { try TokenizerJSON.read(bytes: Array(text.utf8), path: "t.json") }
    }

    @Test func tiktokenRankBeyondTheTokensIsAnError() throws {
        let path = NSTemporaryDirectory() + "damaged-\(UUID().uuidString).tiktoken"
        let text = String(decoding: try Fixture.bytes("llama3-2000.tiktoken"), as: UTF8.self)
            .replacingOccurrences(of: "IQ== 2\n", with: "IQ== 9223372036854775807\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: WinnowError.config(path: path, line: 1, detail: "rank 9223372036854775807 is beyond the 2000 tokens, so some ranks would be missing")) {
            try TiktokenFile.read(path: path, pattern: .llama3, specials: ["<|begin_of_text|>": 0, "<|end_of_text|>": 1])
        }
    }
}
