import Foundation
import Testing
import WinnowCore
@testable import WinnowDedup

/// The external sort under the cluster methods: keys held up to a limit are written as sorted
/// runs per partition, and a merge of all runs gives every key back in order; a run whose
/// records are out of order is refused as damaged.
@Suite struct ExternalSortTests {
    func folder() throws -> ClusterFiles {
        let dir = NSTemporaryDirectory() + "winnow-runs-\(UUID().uuidString)"
        try makeDirectories(dir)
        return ClusterFiles(stepDirectory: dir)
    }

    @Test func runsWrittenAtTheLimitMergeBackInOrder() throws {
        let files = try folder()
        var random = SplitMix64(seed: 3)
        var all: [[KeyRecord]] = [[], []]
        // Two ranks, 2 partitions, at most 100 keys held: 1000 keys each make 5 runs a partition.
        var runsPerRank: [Int] = []
        for rank in 0..<2 {
            var buffers = RunBuffers(partitions: 2, limit: 100)
            for i in 0..<1000 {
                // Few distinct keys, so equal keys fall into different runs and ranks.
                let record = KeyRecord(high: random.next() % 50, low: 7, ref: UInt64(rank) << 32 | UInt64(i + 1))
                buffers.append(record, to: Int(record.high % 2))
                all[Int(record.high % 2)].append(record)
                if buffers.isFull { try buffers.write(files: files, rank: rank) }
            }
            try buffers.write(files: files, rank: rank)
            runsPerRank.append(buffers.written)
        }
        #expect(runsPerRank == [11, 11])
        for partition in 0..<2 {
            var readers: [SealedFileReader] = []
            for rank in 0..<2 {
                for run in 0..<runsPerRank[rank] {
                    readers.append(try SealedFileReader(path: files.run(partition: partition, rank: rank, run: run),
                                                        writtenBy: PhaseTask(phase: 0, rank: rank), bufferSize: 64))
                }
            }
            var merge = try RunMerge(readers)
            var merged: [KeyRecord] = []
            while let record = try merge.next() { merged.append(record) }
            #expect(merged == all[partition].sorted())
        }
    }

    @Test func aRunOutOfOrderIsDamaged() throws {
        let files = try folder()
        let path = files.run(partition: 0, rank: 4, run: 0)
        let out = try SealedFileWriter(path: path)
        for high: UInt64 in [1, 3, 2] { try KeyRecord(high: high, low: 0, ref: 0).write(to: out) }
        try out.commit()
        var merge = try RunMerge([try SealedFileReader(path: path, writtenBy: PhaseTask(phase: 0, rank: 4))])
        #expect { while try merge.next() != nil {} } throws: { error in
            (error as? DamagedIntermediate)?.producer == PhaseTask(phase: 0, rank: 4) && "\(error)".contains("out of order")
        }
    }
}
