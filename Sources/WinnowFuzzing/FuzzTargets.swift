import WinnowClassifier
import WinnowCore
import WinnowDedup
import WinnowPack
import WinnowPipeline
import WinnowTokenizers

/// Every reader of outside bytes the harness drives. A new reader (Parquet, WARC, HTML, an S3
/// response) is one more entry: a name, its seeds, and a body that reads the bytes and touches
/// what comes back (docs/fuzzing.md, "Adding a target").
public enum FuzzTargets {
    public static let all: [FuzzTarget] = [
        shard("jsonl", suffix: ".jsonl", seeds: ["Samples/broken/bad-lines.jsonl", "Tests/WinnowCoreTests/Fixtures/json-peer.jsonl"]),
        shard("jsonl-zst", suffix: ".jsonl.zst", seeds: ["Samples/web"]),
        shard("jsonl-gz", suffix: ".jsonl.gz", seeds: ["Samples/broken/good.jsonl.gz", "Samples/broken/corrupt.jsonl.gz"]),

        tokenShard("megatron", format: .megatron, files: (".idx", ".bin")),
        tokenShard("nanotron", format: .datatrove, files: (".ds.index", ".ds")),
        FuzzTarget("nanogpt", madeSeeds: { [Array(repeating: 7, count: 64)] }) { scratch, bytes in
            let path = try scratch.write("nanogpt.bin", bytes)
            _ = try TokenShardInspection(path: path, tokenizer: nil, document: nil)
        },

        FuzzTarget("tokenizer-json", seeds: ["Tests/WinnowTokenizersTests/Fixtures/llama3-2000.tokenizer.json",
                                             "Tests/WinnowTokenizersTests/Fixtures/metaspace-llama2.tokenizer.json",
                                             "Tests/WinnowTokenizersTests/Fixtures/digits.tokenizer.json"]) { scratch, bytes in
            try encodeSample(TokenizerFiles.load(path: try scratch.write("tokenizer.json", bytes)))
        },
        FuzzTarget("tekken", seeds: ["Tests/WinnowTokenizersTests/Fixtures/tekken-2000.json"]) { scratch, bytes in
            try encodeSample(TokenizerFiles.load(path: try scratch.write("tekken.json", bytes)))
        },
        FuzzTarget("sentencepiece", seeds: ["Tests/WinnowTokenizersTests/Fixtures/spm-bpe.model",
                                            "Tests/WinnowTokenizersTests/Fixtures/unigram-bytes.model"]) { scratch, bytes in
            try encodeSample(TokenizerFiles.load(path: try scratch.write("tokenizer.model", bytes)))
        },
        FuzzTarget("tiktoken", seeds: ["Tests/WinnowTokenizersTests/Fixtures/llama3-2000.tiktoken"]) { scratch, bytes in
            try encodeSample(TokenizerFiles.load(path: try scratch.write("vocab.tiktoken", bytes), pattern: .llama3,
                                                 specials: ["<|begin_of_text|>": 0, "<|end_of_text|>": 1]))
        },
        FuzzTarget("gpt2-vocab-merges", madeSeeds: { [gpt2Seed] }) { scratch, bytes in
            let (vocab, merges) = ScratchFiles.split(bytes)
            try scratch.write("merges.txt", merges)
            try encodeSample(TokenizerFiles.load(path: try scratch.write("vocab.json", vocab)))
        },

        fastText("fasttext-bin", suffix: ".bin", seeds: ["Tests/WinnowClassifierTests/Fixtures/softmax.bin", "Tests/WinnowClassifierTests/Fixtures/hs.bin"]),
        fastText("fasttext-ftz", suffix: ".ftz", seeds: ["Tests/WinnowClassifierTests/Fixtures/pruned.ftz"]),

        FuzzTarget("pipeline-yaml", seeds: ["Pipelines"]) { _, bytes in
            _ = try Pipeline.parse(yaml: String(decoding: bytes, as: UTF8.self), path: "fuzz.yaml")
        },

        dedup(.manifest), dedup(.documents), dedup(.decisions),
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// A document shard: every record read to the end.
    static func shard(_ name: String, suffix: String, seeds: [String]) -> FuzzTarget {
        FuzzTarget(name, seeds: seeds) { scratch, bytes in
            let reader = try ShardReader(path: try scratch.write("shard" + suffix, bytes))
            var touched = 0
            while let record = try reader.next() {
                if case let .document(doc, _) = record { touched &+= doc.text.count &+ doc.id.utf8.count &+ doc.metadata.count }
            }
            _ = touched
        }
    }

    /// A token shard as `winnow inspect` reads it: index and data cut from one input.
    static func tokenShard(_ name: String, format: TokenShardFormat, files: (index: String, data: String)) -> FuzzTarget {
        FuzzTarget(name, madeSeeds: { [try tokenShardSeed(format: format, files: files)] }) { scratch, bytes in
            let (index, data) = ScratchFiles.split(bytes)
            try scratch.write("shard" + files.data, data)
            _ = try TokenShardInspection(path: try scratch.write("shard" + files.index, index), tokenizer: nil, document: nil)
        }
    }

    static func tokenShardSeed(format: TokenShardFormat, files: (index: String, data: String)) throws -> [UInt8] {
        let base = ScratchFiles.shared.directory + "/seed-\(format.rawValue)"
        let writer = try TokenShardWriter(base: base, format: format, width: .uint16, writesMask: false, tokenizerName: "seed")
        for length in [3, 1, 5] { try writer.append((0..<UInt32(length)).map { $0 + 10 }, mask: nil) }
        try writer.finish()
        return ScratchFiles.join(try readFile(base + files.index), try readFile(base + files.data))
    }

    /// A fastText model: loaded, then asked for a prediction.
    static func fastText(_ name: String, suffix: String, seeds: [String]) -> FuzzTarget {
        FuzzTarget(name, seeds: seeds) { scratch, bytes in
            let model = try FastTextModel(path: try scratch.write("model" + suffix, bytes))
            _ = model.predict("the quick brown fox jumps over the lazy dog", k: nil)
        }
    }

    /// A MinHash intermediate: the input is the payload, sealed here so the reader gets past
    /// the checksum to the structure.
    static func dedup(_ kind: DedupIntermediateFiles.Kind) -> FuzzTarget {
        FuzzTarget("dedup-\(kind.rawValue)", madeSeeds: { [dedupSeed(kind)] }) { scratch, bytes in
            let path = scratch.directory + "/\(kind.rawValue).bin"
            try SealedFile.write(path, Array(bytes))
            try DedupIntermediateFiles.read(kind, path: path)
        }
    }

    static func dedupSeed(_ kind: DedupIntermediateFiles.Kind) -> [UInt8] {
        var w = BinaryWriter()
        switch kind {
        case .manifest:
            w.scalar(UInt32(1)); w.scalar(UInt32(1))
            w.scalar(UInt32(0)); w.scalar(UInt32(3)); w.scalar(UInt32(9)); w.append(Array("a.jsonl".utf8) + [0x0A, 0x0A])
        case .documents:
            w.scalar(UInt32(2)); w.scalar(UInt8(1))
            for offset: UInt32 in [0, 2, 5] { w.scalar(offset) }
            w.float64(0.5); w.float64(1.5)
            w.append(Array("idid2".utf8))
        case .decisions:
            for line: UInt32 in [1, 4] { w.scalar(line); w.scalar(UInt32(2)); w.scalar(UInt64(1)); w.scalar(UInt64(4)) }
        }
        return w.bytes
    }

    static let gpt2Seed = ScratchFiles.join(Array(#"{"a": 0, "b": 1, "ab": 2, "Ġ": 3, "<|endoftext|>": 4}"#.utf8),
                                            Array("#version: 0.2\na b\n".utf8))

    /// Encodes and decodes a little text, so a loaded vocabulary is used, not only parsed.
    static func encodeSample(_ tokenizer: any Tokenizer) throws {
        var encoder = tokenizer.makeEncoder(specials: .recognize)
        var ids: [UInt32] = []
        let text = Array("Hello wörld 123 <|end_of_text|> ab\n".utf8)
        try text.withUnsafeBufferPointer { try encoder.encode($0, into: &ids) }
        _ = try tokenizer.decode(ids)
    }
}
