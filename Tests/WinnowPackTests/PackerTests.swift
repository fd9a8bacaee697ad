import Foundation
import Testing
@testable import WinnowPack
import WinnowCore

/// Packing modes on hand-made documents: every token kept, padding masked, best-fit placement.
@Suite struct PackerTests {
    func pack(_ mode: PackingMode, window: Int, _ docs: [[UInt32]]) throws -> (TokenShardReader, PackingCounters) {
        let dir = NSTemporaryDirectory() + "winnow-packer-\(UUID().uuidString)"
        try makeDirectories(dir)
        let writer = try TokenShardWriter(base: "\(dir)/p", format: .datatrove, width: .uint16, writesMask: true, tokenizerName: "t")
        let packer = Packer(mode: mode, window: window, padID: 99, writer: writer)
        for doc in docs { try packer.add(ids: doc, mask: [UInt8](repeating: 1, count: doc.count)) }
        try packer.finish()
        try writer.finish()
        return (try TokenShardReader(path: "\(dir)/p.ds"), packer.counters)
    }

    @Test func concatCutsWindowsAndPadsOnlyTheLast() throws {
        let (reader, counters) = try pack(.concat, window: 4, [[1, 2, 3], [4, 5, 6], [7]])
        #expect((0..<reader.sequenceCount).map(reader.tokens(sequence:)) == [[1, 2, 3, 4], [5, 6, 7, 99]])
        #expect(reader.mask(sequence: 1) == [1, 1, 1, 0])
        #expect(counters.paddingTokens == 1 && counters.splitDocuments == 1 && counters.sequences == 2)
    }

    @Test func bestFitPlacesLongestFirstIntoTheTightestWindow() throws {
        // Sorted: 3, 2, 2, 1 → [3 · 1] [2 2]; the 6-token document is cut into 4 + 2 first.
        let (reader, counters) = try pack(.bestFit, window: 4, [[1, 1], [2, 2, 2], [3, 3], [4], [5, 5, 5, 5, 5, 5]])
        let sequences = (0..<reader.sequenceCount).map(reader.tokens(sequence:))
        #expect(sequences == [[5, 5, 5, 5], [2, 2, 2, 4], [1, 1, 3, 3], [5, 5, 99, 99]])
        #expect(counters.splitDocuments == 1 && counters.paddingTokens == 2)
        #expect(counters.documentTokens == 14)
    }

    @Test func documentsModeWritesOneSequenceEach() throws {
        let (reader, counters) = try pack(.documents, window: 4, [[1, 2, 3, 4, 5], [6]])
        #expect(reader.sequenceCount == 2 && reader.tokens(sequence: 0) == [1, 2, 3, 4, 5])
        #expect(counters.paddingTokens == 0)
    }
}
