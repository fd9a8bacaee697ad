import Testing
@testable import WinnowCore

/// A task over shards written from raw lines, in a fresh workdir.
func makeTask(_ name: String, shards: [[String]], maxDocBytes: Int = 0) throws -> TaskAssignment {
    let dir = try temporaryDirectory(name)
    var paths: [String] = []
    for (k, lines) in shards.enumerated() {
        let path = "\(dir)/input/s\(k).jsonl"
        try makeDirectories(parentOf: path)
        try writeFileAtomically(path, Array(lines.map { $0 + "\n" }.joined().utf8))
        paths.append(path)
    }
    return TaskAssignment(stepID: "test", rank: 0, world: 1, inputShards: paths, outputDirectory: "\(dir)/output",
                       rejectedDirectory: "\(dir)/rejected", stepDirectory: dir, seed: 1, compressionLevel: 3,
                       maxDocBytes: maxDocBytes, progress: { _ in })
}

@Suite struct TaskReaderTests {
    static let lines = [
        #"{"id":"a","text":"keep me"}"#,
        #"{"id":"b","text":"bad words here"}"#,
        ##"{"id":"c","text":"# oops"##,
        #"{"id":"d","nothing":1}"#,
        #"{"id":"e","text":"\#(String(repeating: "x", count: 200))"}"#,
        #"{"id":"f","text":"héllo 中"}"#,
    ]

    /// Every line is accounted for once: kept, rejected with its reason, and bytes in are the
    /// JSON lines with their newlines, whichever way the document went.
    @Test func documentLoopCountsEveryLineAndQuarantinesTheRest() throws {
        let task = try makeTask("loop", shards: [Self.lines], maxDocBytes: 100)
        let stats = try DocumentLoop(task: task).run { doc in
            doc.textString.contains("bad") ? .reject(rule: "words", reason: "bad") : .keep
        }
        #expect(stats.docsIn == 6)
        #expect(stats.docsKept == 2)
        #expect(stats.docsRejected == 4)
        #expect(stats.docsIn == stats.docsKept + stats.docsRejected + stats.docsSkipped)
        #expect(stats.invalidLines == 2)
        #expect(stats.bytesIn == Int64(Self.lines.reduce(0) { $0 + $1.utf8.count + 1 }))
        #expect(stats.rejectedBy["words: bad"] == 1)
        #expect(stats.rejectedBy["reader: document over max_doc_bytes"] == 1)
        #expect(stats.charsKept == Int64("keep me".count + "héllo 中".unicodeScalars.count))

        let kept = try readAll("\(task.outputDirectory)/s0.jsonl.zst").docs.map(\.id)
        #expect(kept == ["a", "f"])
        let rejected = try readAll("\(task.rejectedDirectory)/s0.jsonl.zst").docs
        #expect(rejected.count == 4)
        let reasons = rejected.compactMap { $0.metadata.value(atPath: "rejected_by")?.stringValue }
        #expect(reasons.contains("words: bad") && reasons.contains("reader: document over max_doc_bytes"))
        #expect(reasons.filter { $0.hasPrefix("reader: ") && $0 != "reader: document over max_doc_bytes" }.count == 2)
    }

    /// A measuring pass skips what its later phase rejects, so nothing is quarantined twice.
    @Test func skipModeCountsRejectsAsSkippedAndWritesNothing() throws {
        let task = try makeTask("skip", shards: [Self.lines, [#"{"text":"second shard"}"#]], maxDocBytes: 100)
        let input = TaskReader(task: task, rejects: .skip)
        var seen: [String] = []
        while let shard = try input.nextShard() {
            while let item = try shard.next() {
                seen.append(item.document.id)
                if item.document.id == "b" { shard.skip(reason: "not sampled") } else { shard.kept(characters: item.characters) }
            }
            try shard.finish()
        }
        let stats = input.finish()
        #expect(seen.count == 4)
        #expect(stats.docsIn == 7 && stats.docsKept == 3 && stats.docsSkipped == 4 && stats.docsRejected == 0)
        #expect(stats.skippedBy["not sampled"] == 1)
        #expect(stats.skippedBy["reader: document over max_doc_bytes"] == 1)
        #expect(!fileExists(task.rejectedDirectory))
    }

    /// Counters merge by adding, and survive the ledger's JSON.
    @Test func statsAddAndRoundTripThroughJSON() throws {
        var a = TaskStats()
        a.docsIn = 3; a.docsKept = 1; a.docsSkipped = 2
        a.skip("x")
        a.made = ["tokens": 10]
        a.ruleSeconds = ["length": 0.5]
        a.peakMemory = 3 << 20
        var b = a
        b.peakMemory = 1 << 20
        b.add(a)
        #expect(b.docsIn == 6 && b.docsSkipped == 6 && b.made["tokens"] == 20 && b.ruleSeconds["length"] == 1.0)
        // Peak memory is the largest task's, not a sum.
        #expect(b.peakMemory == 3 << 20)
        #expect(b.skippedBy["x"] == 2)
        let back = TaskStats(json: b.json)
        #expect(back == b)
    }
}
