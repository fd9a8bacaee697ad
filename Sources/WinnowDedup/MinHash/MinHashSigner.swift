import WinnowCore

/// `method: minhash`: a document's keys are its MinHash bands, each the digest of `rows`
/// consecutive hashes of its signature; two documents are candidates when any band is equal.
struct MinHashSigner: DocumentSigner {
    let settings: MinHashSettings
    private var shingles: Shingles
    private let hasher: MinHasher
    private var hashes: [UInt64] = []
    private var signature: [UInt64] = []

    init(settings: MinHashSettings) {
        self.settings = settings
        shingles = Shingles(settings: settings)
        hasher = MinHasher(count: settings.bands * settings.rows, seed: settings.seed, precision: settings.precision)
    }

    var unsignedReason: String { "documents shorter than one shingle" }

    mutating func sign(_ doc: Document, into keys: inout [StableHash.Digest]) -> Bool {
        shingles.hashes(doc.text, into: &hashes)
        guard !hashes.isEmpty else { return false }
        hasher.signature(hashes, into: &signature)
        keys.removeAll(keepingCapacity: true)
        let rows = settings.rows
        signature.withUnsafeBytes { bytes in
            for band in 0..<settings.bands {
                keys.append(StableHash.digest(UnsafeRawBufferPointer(rebasing: bytes[(band * rows * 8)..<((band + 1) * rows * 8)])))
            }
        }
        return true
    }

    /// The full signature of a text (the crosscheck script compares it with datatrove's).
    mutating func signature(of text: [UInt8]) -> [UInt64]? {
        shingles.hashes(text, into: &hashes)
        guard !hashes.isEmpty else { return nil }
        hasher.signature(hashes, into: &signature)
        return signature
    }
}
