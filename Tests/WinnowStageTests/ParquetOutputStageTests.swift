import Testing
import WinnowCore

/// `output_format: parquet` in the stages that write documents other than through the
/// per-document loop alone: score's corpus-wide cut (kept documents wait as JSONL between
/// phases), dedup's removal phase and mix's shuffle. Their output/ and rejected/ hold only
/// Parquet files, the same bytes for any task count. (The values are checked against the JSONL
/// output by Scripts/crosscheck/parquet_write.py with pyarrow, DuckDB and HF datasets.)
@Suite struct ParquetOutputStageTests {
    static let parquet = """
            output_format: parquet
            compression: snappy
            row_group_size: 50
            output_columns:
              url: string
              en: double
        """

    /// The files of a folder, after checking each is a whole Parquet file (PAR1 at both ends).
    func parquetFiles(_ directory: String, except: Set<String> = []) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in listDirectory(directory) where !except.contains(name) {
            let bytes = try readFile("\(directory)/\(name)")
            #expect(name.hasSuffix(".parquet"), "\(name) in \(directory)")
            #expect(bytes.count > 12 && bytes.prefix(4).elementsEqual("PAR1".utf8) && bytes.suffix(4).elementsEqual("PAR1".utf8), "\(name)")
            files[name] = bytes
        }
        return files
    }

    @Test func scoreTopFractionWritesParquetAndKeepsItsIntermediatesJSONL() throws {
        let run = try StageHarness("score-parquet", steps: """
              - id: score
                stage: score
                from: input
                model: \(languageModel)
                label: __label__en
                field: en
                top_fraction: 0.5
                top_by: documents
            \(Self.parquet)
            """)
        let phases = try run.run("score")
        #expect(phases[2].docsIn == 560 && phases[2].addsUp && phases[2].docsRejected > 0)
        #expect(try parquetFiles(run.output("score")).keys.sorted() == (0..<4).map { "part-0000\($0).parquet" })
        #expect(try parquetFiles(run.rejected("score")).keys.sorted() == (0..<4).map { "part-0000\($0).below-threshold.parquet" })
        let scored = listDirectory("\(run.workdir.stepDirectory("score"))/scored")
        #expect(scored.count == 4 && scored.allSatisfy { $0.hasSuffix(".jsonl.zst") })
    }

    @Test func dedupWritesParquetTheSameForAnyTaskCount() throws {
        let input = try StageHarness.writeShards("dedup-parquet", DedupStageTests.shards)
        var outputs: [[String: [UInt8]]] = []
        for tasks in [nil, 1] {
            let run = try StageHarness("dedup-parquet", steps: DedupStageTests.steps("method: exact\nbuckets: 3\n" + Self.parquet
                .split(separator: "\n").map { $0.dropFirst(4) }.joined(separator: "\n"), tasks: tasks), input: input)
            let remove = try run.run("dedup")[3]
            #expect(remove.docsKept == 6 && remove.docsRejected == 6 && remove.addsUp)
            #expect(try parquetFiles(run.output("dedup")).count == 3)
            outputs.append(try parquetFiles(run.output("dedup")).merging(parquetFiles(run.rejected("dedup"))) { a, _ in a })
        }
        #expect(outputs[0] == outputs[1])
    }

    @Test func mixShufflesIntoParquet() throws {
        let run = try StageHarness("mix-parquet", steps: MixStageTests.steps() + "\n" + Self.parquet)
        let shuffle = try run.run("mix")[3]
        #expect(shuffle.docsKept > 0 && shuffle.addsUp)
        let output = try parquetFiles(run.output("mix"), except: ["mix_report.json"])
        #expect(output.keys.sorted() == ["cooldown-00000.parquet", "cooldown-00001.parquet", "main-00000.parquet", "main-00001.parquet"])
    }

    /// A step reading what a Parquet-writing step wrote gets the same documents as when that
    /// step writes JSONL: text, id and every metadata value, the declared columns and the
    /// `metadata` JSON column merged back as datatrove's reader does.
    @Test func aLaterStepReadsParquetOutputAsTheDocumentsWritten() throws {
        func secondStepDocuments(firstWrites format: String) throws -> [String: (text: String, metadata: [String: JSONValue])] {
            let run = try StageHarness("parquet-chain", steps: """
                  - id: first
                    stage: filter
                    from: input
                    rules:
                      - rule: length
                        unit: words
                        min: 20
                \(format)
                  - id: second
                    stage: filter
                    from: first
                    rules:
                      - rule: length
                        unit: words
                        min: 100
                """)
            let first = try run.run("first")[0]
            let second = try run.run("second")[0]
            #expect(second.docsIn == first.docsKept && second.addsUp && second.docsKept > 0)
            var docs: [String: (String, [String: JSONValue])] = [:]
            for doc in try run.documents(in: run.output("second")) {
                docs[doc.id] = (doc.textString, Dictionary(doc.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b }))
            }
            return docs
        }
        let viaJSONL = try secondStepDocuments(firstWrites: "")
        // Every sample document has a url; a declared column a document lacks reads back as
        // null, as pyarrow and datatrove read it (docs/pipelines.md, "Output format").
        let viaParquet = try secondStepDocuments(firstWrites: """
                output_format: parquet
                row_group_size: 50
                output_columns:
                  url: string
            """)
        #expect(viaJSONL.count == viaParquet.count && !viaJSONL.isEmpty)
        for (id, doc) in viaJSONL {
            #expect(viaParquet[id]?.text == doc.text, "\(id)")
            #expect(viaParquet[id]?.metadata == doc.metadata, "\(id)")
        }
    }
}
