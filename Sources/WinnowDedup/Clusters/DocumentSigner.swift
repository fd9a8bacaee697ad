import WinnowCore

/// What makes documents duplicates in the cluster methods: each document gets one key per band,
/// and two documents that share the key of any band are joined (transitively) into a cluster.
/// Exact and URL dedup have one band; MinHash has one per LSH band.
protocol DocumentSigner {
    /// Why a document has no keys, for the counters ("documents without url").
    var unsignedReason: String { get }
    /// Replaces `keys` with the document's keys (one per band); false when it has none, so
    /// it is nobody's duplicate.
    mutating func sign(_ doc: Document, into keys: inout [StableHash.Digest]) -> Bool
}

/// `method: exact`: the digest of the text after `normalize`.
struct ExactSigner: DocumentSigner {
    let normalization: TextNormalization
    var unsignedReason: String { "" }

    mutating func sign(_ doc: Document, into keys: inout [StableHash.Digest]) -> Bool {
        keys = [normalization.apply(doc.text) { StableHash.digest($0) }]
        return true
    }
}

/// `method: url`: the digest of a metadata field's string value.
struct FieldSigner: DocumentSigner {
    let field: String
    var unsignedReason: String { "documents without \(field)" }

    mutating func sign(_ doc: Document, into keys: inout [StableHash.Digest]) -> Bool {
        guard let value = doc.metadata.value(atPath: field)?.stringValue else { return false }
        keys = [Array(value.utf8).withUnsafeBytes { StableHash.digest($0) }]
        return true
    }
}
