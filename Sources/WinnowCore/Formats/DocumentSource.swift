/// One shard's documents in one format, behind the read loop: the JSONL, Parquet and WARC
/// readers all yield `ShardRecord`s, so no stage knows which format it reads.
public protocol DocumentSource: AnyObject {
    /// The next document or invalid record; nil at the end. Throws only when the shard itself
    /// cannot be read (I/O errors, corrupt compression or file structure).
    func next() throws -> ShardRecord?
    /// Bytes of the file consumed so far, for progress against the file's size.
    var fileOffset: Int64 { get }
    /// Uncompressed bytes of the records returned so far.
    var bytesRead: Int64 { get }
    /// The uncompressed size of the record returned last (a JSONL line, a Parquet row's
    /// values), which `max_doc_bytes` and `bytes_in` count.
    var recordBytes: Int { get }
    /// Records skipped as empty (JSONL lines of white space).
    var blankLines: Int { get }
    /// Records that are not documents by design (a WARC file's requests, metadata and non-HTML
    /// responses), by kind: counted as read and skipped.
    var skippedRecords: [String: Int] { get }
    /// Bytes that did not decode in the charset of their page and became U+FFFD.
    var replacedBytes: Int { get }
}

extension DocumentSource {
    var skippedRecords: [String: Int] { [:] }
    var replacedBytes: Int { 0 }
}
