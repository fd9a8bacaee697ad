import Foundation
import Testing
@testable import WinnowPack
import WinnowCore

/// Byte layouts checked by hand against pipelines.md §10, round trips, merges and bad files.
@Suite struct TokenShardTests {
    func temporary(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "winnow-pack-\(name)-\(UUID().uuidString)"
        try makeDirectories(dir)
        return dir
    }

    @Test func megatronIndexHasThePublishedLayout() throws {
        let dir = try temporary("megatron")
        let writer = try TokenShardWriter(base: "\(dir)/x", format: .megatron, width: .uint16, writesMask: false, tokenizerName: "t")
        try writer.append([5, 6, 7], mask: nil)
        try writer.append([9], mask: nil)
        try writer.finish()
        let idx = Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/x.idx")))
        // 9 magic + 8 version + 1 dtype + 8 + 8 + 4·2 lengths + 8·2 pointers + 8·3 document indices.
        #expect(idx.count == 34 + 12 * 2 + 8 * 3)
        #expect(Array(idx[0..<9]) == Array("MMIDIDX".utf8) + [0, 0])
        #expect(idx[9] == 1 && idx[17] == 8)
        #expect(idx[18] == 2 && idx[26] == 3)
        #expect(Array(idx[34..<42]) == [3, 0, 0, 0, 1, 0, 0, 0])
        // Pointers are byte offsets: 0 and 3 tokens × 2 bytes.
        #expect(idx[42] == 0 && idx[50] == 6)
        #expect(Array(idx[58...]).enumerated().allSatisfy { i, b in b == (i % 8 == 0 ? UInt8(i / 8) : 0) })
        let bin = Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/x.bin")))
        #expect(bin == [5, 0, 6, 0, 7, 0, 9, 0])

        let reader = try TokenShardReader(path: "\(dir)/x.idx")
        #expect(reader.sequenceCount == 2 && reader.documentCount == 2 && reader.tokenCount == 4)
        #expect(reader.tokens(sequence: 0) == [5, 6, 7])
    }

    @Test func dtypeFollowsEachTrainersRule() throws {
        #expect(try TokenWidth.choose(format: .megatron, vocabularySize: 65_499) == .uint16)
        #expect(try TokenWidth.choose(format: .megatron, vocabularySize: 65_500) == .int32)
        #expect(try TokenWidth.choose(format: .datatrove, vocabularySize: 65_536) == .uint16)
        #expect(try TokenWidth.choose(format: .datatrove, vocabularySize: 65_537) == .uint32)
        #expect(throws: WinnowError.self) { try TokenWidth.choose(format: .nanogpt, vocabularySize: 100_000) }
    }

    @Test func datatroveFilesRoundTripWithMaskAndWideTokens() throws {
        let dir = try temporary("ds")
        let writer = try TokenShardWriter(base: "\(dir)/d", format: .datatrove, width: .uint32, writesMask: true, tokenizerName: "tok")
        try writer.append([70_000, 1, 2], mask: [0, 1, 1])
        try writer.append([3], mask: [1])
        try writer.finish()
        let index = Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/d.ds.index")))
        #expect(index == [3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0])
        let reader = try TokenShardReader(path: "\(dir)/d.ds")
        #expect(reader.width == .uint32)
        #expect(reader.tokens(sequence: 0) == [70_000, 1, 2])
        #expect(reader.mask(sequence: 0) == [0, 1, 1])
        #expect(reader.maskedInCount == 3)
    }

    @Test func mergeAppendsDataAndOffsetsTheIndex() throws {
        let dir = try temporary("merge")
        for (name, docs) in [("a", [[1, 2], [3]]), ("b", [[4, 5, 6]])] {
            let writer = try TokenShardWriter(base: "\(dir)/\(name)", format: .megatron, width: .uint16, writesMask: false, tokenizerName: "t")
            for doc in docs { try writer.append(doc.map(UInt32.init), mask: nil) }
            try writer.finish()
        }
        let merged = try TokenShardWriter(base: "\(dir)/m", format: .megatron, width: .uint16, writesMask: false, tokenizerName: "t")
        for name in ["a", "b"] {
            let part = try TokenShardReader(path: "\(dir)/\(name).idx")
            try merged.append(shard: part, sequences: 0..<part.sequenceCount)
        }
        try merged.finish()
        let reader = try TokenShardReader(path: "\(dir)/m.bin")
        #expect((0..<reader.sequenceCount).map(reader.tokens(sequence:)) == [[1, 2], [3], [4, 5, 6]])
    }

    @Test func truncatedDataIsAnErrorNamingTheFile() throws {
        let dir = try temporary("bad")
        let writer = try TokenShardWriter(base: "\(dir)/x", format: .megatron, width: .uint16, writesMask: false, tokenizerName: "t")
        try writer.append([1, 2, 3], mask: nil)
        try writer.finish()
        truncate("\(dir)/x.bin", 4)
        #expect { try TokenShardReader(path: "\(dir)/x.idx") } throws: { "\($0)".contains("x.bin: holds 4 bytes") }
        truncate("\(dir)/x.idx", 40)
        #expect { try TokenShardReader(path: "\(dir)/x.idx") } throws: { "\($0)".contains("x.idx") }
    }
}
