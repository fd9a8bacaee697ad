import Dispatch

/// One S3 multipart upload: parts go up while the writer goes on, and the object appears under
/// its key only when `complete` returns; `abort` (or a later writer of the same key, through
/// `unfinished`) throws the parts away, so a killed task leaves no partial object.
public final class MultipartUpload: @unchecked Sendable {
    public let bucket: String
    public let key: String
    public let uploadID: String
    public var path: String { "s3://\(bucket)/\(key)" }
    /// Parts being sent, oldest first; at most `partsInFlight` at a time.
    private var sending: [(number: Int, done: DispatchSemaphore, result: Locked<Result<String, any Error>?>)] = []
    private var etags: [(Int, String)] = []
    private var nextPart = 1
    static let partsInFlight = 2

    init(bucket: String, key: String, uploadID: String) {
        self.bucket = bucket
        self.key = key
        self.uploadID = uploadID
    }

    /// Starts an upload of `path`.
    public static func start(_ path: String) throws -> MultipartUpload {
        guard case let .s3(bucket, key) = StoragePath(path) else { throw WinnowError.invalid("\(path): not an s3:// address") }
        let response = try HTTPClient.send(try ObjectStore.request(path, method: "POST", operation: "start upload", query: [("uploads", "")]))
        guard let id = XMLScan(response.body).first("UploadId") else {
            throw WinnowError.invalid("\(path): start upload: the store's answer has no UploadId")
        }
        return MultipartUpload(bucket: bucket, key: key, uploadID: id)
    }

    /// Unfinished uploads under `prefix` (an exact key's, when `prefix` is one).
    public static func unfinished(bucket: String, prefix: String) throws -> [MultipartUpload] {
        let url = ObjectStore.settings.url(bucket: bucket, encodedKey: "", query: ObjectStore.encodeQuery([("prefix", prefix), ("uploads", "")]))
        let response = try HTTPClient.send(HTTPRequest(url: url, name: "s3://\(bucket)/\(prefix)", operation: "list unfinished uploads",
                                                       signing: ObjectStore.signing))
        return XMLScan(response.body).blocks("Upload").compactMap { upload in
            guard let key = upload.first("Key"), let id = upload.first("UploadId"), key.hasPrefix(prefix) else { return nil }
            return MultipartUpload(bucket: bucket, key: key, uploadID: id)
        }
    }

    /// Sends `bytes` as the next part (every part but the last must be at least 5 MiB).
    public func send(_ bytes: [UInt8]) throws {
        if sending.count >= Self.partsInFlight { try waitOldest() }
        let number = nextPart
        nextPart += 1
        var request = try ObjectStore.request(path, method: "PUT", operation: "upload part \(number) (\(bytes.count) bytes)",
                                              query: [("partNumber", "\(number)"), ("uploadId", uploadID)])
        request.body = bytes
        let done = DispatchSemaphore(value: 0)
        let result = Locked<Result<String, any Error>?>(nil)
        let send = request
        DispatchQueue.global().async {
            let outcome = Result { () throws -> String in
                let response = try HTTPClient.send(send)
                guard let etag = response.headers["etag"] else {
                    throw WinnowError.invalid("\(send.name): \(send.operation): the store's answer has no ETag")
                }
                return etag
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        sending.append((number, done, result))
    }

    private func waitOldest() throws {
        let oldest = sending.removeFirst()
        oldest.done.wait()
        let etag = try oldest.result.withLock { $0! }.get()
        etags.append((oldest.number, etag))
    }

    /// Waits for the parts and puts the object in place under its key.
    public func complete() throws {
        while !sending.isEmpty { try waitOldest() }
        var body = "<CompleteMultipartUpload>"
        for (number, etag) in etags.sorted(by: { $0.0 < $1.0 }) {
            body += "<Part><PartNumber>\(number)</PartNumber><ETag>\(XMLScan.escape(etag))</ETag></Part>"
        }
        body += "</CompleteMultipartUpload>"
        var request = try ObjectStore.request(path, method: "POST", operation: "complete upload of \(etags.count) parts",
                                              query: [("uploadId", uploadID)])
        request.body = Array(body.utf8)
        let response = try HTTPClient.send(request)
        // S3 may answer 200 and put the error in the body.
        if let code = response.errorCode {
            throw WinnowError.invalid("\(path): complete upload failed: \(code)\(response.errorMessage.map { ": \($0)" } ?? "")")
        }
    }

    /// Throws the upload's parts away.
    public func abort() throws {
        for part in sending { part.done.wait() }
        sending.removeAll()
        _ = try HTTPClient.send(try ObjectStore.request(path, method: "DELETE", operation: "abort upload", query: [("uploadId", uploadID)]),
                                accept: { (200..<300).contains($0) || $0 == 404 })
    }
}

/// The remote side of `AtomicFile`: bytes to an object under `s3://…`, which appears only at
/// `commit()`. Small objects go up in one PUT at the end; from the first 8 MiB on, a multipart
/// upload carries them. Creating one aborts the unfinished uploads an earlier, killed attempt
/// at the same key left behind (attempts at one key never overlap).
final class ObjectWriter {
    let path: String
    private var pending: [UInt8] = []
    private var upload: MultipartUpload?
    /// Bytes per part: 8 MiB (`WINNOW_S3_PART_KB` changes it; S3 itself wants at least 5 MiB
    /// for every part but the last, other stores take less, which the tests use).
    static let partSize = max(1 << 10, (environmentInt("WINNOW_S3_PART_KB") ?? 8192) << 10)

    init(path: String) throws {
        guard case let .s3(bucket, key) = StoragePath(path) else {
            throw WinnowError.invalid("\(path): cannot write there (only local paths and s3:// are writable)")
        }
        self.path = path
        for stale in try MultipartUpload.unfinished(bucket: bucket, prefix: key) where stale.key == key { try stale.abort() }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.partSize {
            if upload == nil { upload = try MultipartUpload.start(path) }
            try upload!.send(pending)
            pending.removeAll(keepingCapacity: true)
        }
    }

    func commit() throws {
        if let upload {
            if !pending.isEmpty { try upload.send(pending) }
            try upload.complete()
        } else {
            try ObjectStore.put(path, pending)
        }
        pending = []
        upload = nil
    }

    /// Throws away what was sent (a writer released without `commit()`).
    func abandon() {
        try? upload?.abort()
        upload = nil
    }
}
