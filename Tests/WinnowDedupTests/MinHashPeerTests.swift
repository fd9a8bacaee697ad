import Testing
import WinnowCore
@testable import WinnowDedup

/// MinHash's parts against what datatrove 0.10.1 and NumPy computed on the same input
/// (Fixtures/minhash.json, made by Scripts/fixtures/minhash.py): every value must be equal,
/// because equal signatures are what make Winnow's clusters datatrove's clusters.
@Suite struct MinHashPeerTests {
    static let directory = String(#filePath.dropLast("MinHashPeerTests.swift".count))
    static let fixture: JSONObject = {
        let bytes = try! readFile(directory + "Fixtures/minhash.json")
        guard case let .object(o) = try! bytes.withUnsafeBytes({ try JSONValue.parse($0) }) else { fatalError("fixture is not an object") }
        return o
    }()

    static func items(_ key: String) -> [JSONObject] {
        guard case let .array(values)? = fixture[key] else { return [] }
        return values.compactMap { if case let .object(o) = $0 { return o } else { return nil } }
    }

    static func numbers(_ value: JSONValue?) -> [UInt64] {
        guard case let .array(values)? = value else { return [] }
        return values.compactMap { $0.stringValue.flatMap { UInt64($0) } }
    }

    @Test(arguments: [(UInt32(1), 112), (42, 260), (7, 20)])
    func permutationsAreNumPys(seed: UInt32, count: Int) throws {
        guard case let .object(expected)? = Self.fixture["random"].flatMap({ if case let .object(o) = $0 { return o[String(seed)] } else { return nil } }) else {
            Issue.record("no parameters for seed \(seed)")
            return
        }
        let hasher = MinHasher(count: count, seed: seed, precision: 64)
        #expect(hasher.parameters.a == Self.numbers(expected["a"]))
        #expect(hasher.parameters.b == Self.numbers(expected["b"]))
    }

    @Test func xxh64AndSHA1MatchPython() throws {
        for item in Self.items("xxh64") {
            let text = Array(item["text"]!.stringValue!.utf8)
            #expect(XXHash64.hash(text) == UInt64(item["hash"]!.stringValue!)!, "xxh64 of \(text.count) bytes")
            // Fed in uneven pieces, the streaming form gives the same.
            var streaming = XXHash64()
            var rest = text[...]
            var piece = 1
            while !rest.isEmpty {
                let part = Array(rest.prefix(piece))
                part.withUnsafeBytes { streaming.update($0) }
                rest = rest.dropFirst(piece)
                piece = piece * 3 + 1
            }
            #expect(streaming.finalize() == XXHash64.hash(text))
        }
        for item in Self.items("sha1") {
            let text = Array(item["text"]!.stringValue!.utf8)
            #expect(text.withUnsafeBytes { SHA1.hash64($0) } == UInt64(item["hash"]!.stringValue!)!, "sha1 of \(text.count) bytes")
        }
    }

    @Test func simplifiesTextAsDatatrove() throws {
        var simplifier = TextSimplifier()
        var mismatches: [String] = []
        let items = Self.items("simplify")
        #expect(items.count == 600)
        for item in items {
            let text = item["text"]!.stringValue!
            let ours = String(String.UnicodeScalarView(simplifier.simplify(Array(text.utf8))))
            if ours != item["simplified"]!.stringValue! { mismatches.append("\(text) → \(ours)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test(arguments: [MinHashSettings.ShingleHash.xxhash, .sha1])
    func signaturesOfRealDocumentsAreDatatroves(hash: MinHashSettings.ShingleHash) throws {
        guard case let .object(byHash)? = Self.fixture["signatures"], case let .array(rows)? = byHash[hash.rawValue] else {
            Issue.record("no signatures for \(hash)")
            return
        }
        let shard = Self.directory + "../../" + Self.fixture["signatures_shard"]!.stringValue!
        let reader = try ShardReader(path: shard)
        var texts: [Int: [UInt8]] = [:]
        while let record = try reader.next() {
            if case let .document(doc, line) = record { texts[line] = doc.text }
        }
        var settings = MinHashSettings()
        settings.hash = hash
        var signer = MinHashSigner(settings: settings)
        var compared = 0
        for case let .object(row) in rows {
            let line = Int(row["line"]!.doubleValue!)
            let expected = Self.numbers(row["signature"])
            let ours = signer.signature(of: texts[line]!) ?? []
            #expect(ours == expected, "line \(line)")
            compared += expected.isEmpty ? 0 : 1
        }
        #expect(compared >= 8)
    }
}
