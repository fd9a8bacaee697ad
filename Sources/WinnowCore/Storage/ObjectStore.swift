/// The S3 operations Winnow uses, on any S3-compatible store, and the plain HTTP reads of web
/// addresses. Listings remember the sizes they saw, so a task that lists its shards does not
/// ask again for each one's size.
public enum ObjectStore {
    public struct Listing: Sendable {
        /// Keys and sizes of the objects found, in key order.
        public var objects: [(key: String, size: Int64)] = []
        /// With a delimiter: the "folders" found (prefixes ending in the delimiter).
        public var folders: [String] = []
    }

    private static let sizes = Locked<[String: Int64]>([:])
    static var settings: S3Settings { S3Settings.current }

    /// The size of the object or web resource at `path`.
    public static func size(_ path: String) throws -> Int64 {
        if let known = sizes.withLock({ $0[path] }) { return known }
        let response = try HTTPClient.send(try request(path, method: "HEAD", operation: "HEAD (size)"))
        guard let text = response.headers["content-length"], let size = Int64(text), size >= 0 else {
            throw WinnowError.invalid("\(path): HEAD gave no Content-Length, so its size is unknown")
        }
        sizes.withLock { $0[path] = size }
        return size
    }

    /// Whether `path` is an object (HEAD answers 200; 404 is no; anything else is an error).
    public static func exists(_ path: String) throws -> Bool {
        if sizes.withLock({ $0[path] }) != nil { return true }
        let response = try HTTPClient.send(try request(path, method: "HEAD", operation: "HEAD"), accept: { $0 == 404 || (200..<300).contains($0) })
        if response.status == 404 { return false }
        if let size = response.headers["content-length"].flatMap({ Int64($0) }) { sizes.withLock { $0[path] = size } }
        return true
    }

    /// `count` bytes from `offset` of `path` (fewer at its end), in one range request.
    public static func read(_ path: String, offset: Int64, count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        let last = offset + Int64(count) - 1
        var request = try request(path, method: "GET", operation: "read bytes \(offset)-\(last)")
        request.headers.append("Range: bytes=\(offset)-\(last)")
        let response = try HTTPClient.send(request, accept: { (200..<300).contains($0) || $0 == 416 })
        if response.status == 416 { return [] }
        if response.status == 200 {
            // The server ignored the range and sent the whole object.
            let start = Int(clamping: min(offset, Int64(response.body.count)))
            return Array(response.body[start..<min(response.body.count, start + count)])
        }
        return response.body
    }

    /// Every object under `prefix` of `bucket` (page after page of `pageSize` keys, S3's 1000
    /// by default), or with `delimiter` only those directly under it and the folders beside
    /// them; with `firstPageOnly`, one page (a check that something is there).
    public static func list(bucket: String, prefix: String, delimiter: String? = nil, pageSize: Int? = nil,
                            firstPageOnly: Bool = false) throws -> Listing {
        var listing = Listing()
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let delimiter { query.append(("delimiter", delimiter)) }
            if let pageSize { query.append(("max-keys", "\(pageSize)")) }
            if let token { query.append(("continuation-token", token)) }
            let response = try HTTPClient.send(HTTPRequest(url: settings.url(bucket: bucket, encodedKey: "", query: encodeQuery(query)),
                                                           name: "s3://\(bucket)/\(prefix)", operation: "list", signing: signing))
            let scan = XMLScan(response.body)
            for item in scan.blocks("Contents") {
                guard let key = item.first("Key"), let size = item.first("Size").flatMap({ Int64($0) }) else { continue }
                listing.objects.append((key, size))
            }
            for folder in scan.blocks("CommonPrefixes") { if let name = folder.first("Prefix") { listing.folders.append(name) } }
            token = scan.first("IsTruncated") == "true" ? scan.first("NextContinuationToken") : nil
            if firstPageOnly { break }
        } while token != nil
        sizes.withLock { cache in for object in listing.objects { cache["s3://\(bucket)/\(object.key)"] = object.size } }
        return listing
    }

    /// Writes `bytes` as the object `path` in one request.
    public static func put(_ path: String, _ bytes: [UInt8]) throws {
        var request = try request(path, method: "PUT", operation: "write \(bytes.count) bytes")
        request.body = bytes
        _ = try HTTPClient.send(request)
        sizes.withLock { $0[path] = Int64(bytes.count) }
    }

    public static func delete(_ path: String) throws {
        _ = try HTTPClient.send(try request(path, method: "DELETE", operation: "delete"), accept: { (200..<300).contains($0) || $0 == 404 })
        sizes.withLock { $0[path] = nil }
    }

    /// Creates `bucket` (tests and benchmarks against a local store; 409 if it exists is fine).
    public static func createBucket(_ bucket: String) throws {
        _ = try HTTPClient.send(HTTPRequest(method: "PUT", url: settings.url(bucket: bucket, encodedKey: ""), name: "s3://\(bucket)",
                                            operation: "create bucket", signing: signing), accept: { (200..<300).contains($0) || $0 == 409 })
    }

    /// Checks that `bucket` exists and that these credentials may list it, before any task
    /// runs, so a wrong bucket or key fails at once with a clear message.
    public static func checkAccess(bucket: String, prefix: String) throws {
        _ = try list(bucket: bucket, prefix: prefix, pageSize: 1, firstPageOnly: true)
    }

    /// Deletes every object under `prefix` and aborts every unfinished upload there (a step's
    /// outputs, when the step is run anew).
    public static func removeAll(bucket: String, prefix: String) throws {
        for object in try list(bucket: bucket, prefix: prefix).objects { try delete("s3://\(bucket)/\(object.key)") }
        for upload in try MultipartUpload.unfinished(bucket: bucket, prefix: prefix) { try upload.abort() }
    }

    static var signing: (S3Settings.Credentials, region: String)? {
        settings.credentials.map { ($0, region: settings.region) }
    }

    /// A request for the object or web address `path`.
    static func request(_ path: String, method: String, operation: String, query: [(String, String)] = []) throws -> HTTPRequest {
        switch StoragePath(path) {
        case let .s3(bucket, key):
            return HTTPRequest(method: method, url: settings.url(bucket: bucket, encodedKey: try encodeKey(key, path: path), query: encodeQuery(query)),
                               name: path, operation: operation, signing: signing)
        case let .web(url):
            return HTTPRequest(method: method, url: url, name: url, operation: operation)
        case .local:
            throw WinnowError.invalid("\(path): not an s3:// or http(s):// address")
        }
    }

    /// Keys are sent as they are when made of characters that need no escaping (letters,
    /// digits, `-._~/=`); libcurl 7.88's SigV4 signs an escaped path differently from S3, so
    /// other keys are refused by name rather than failing with a signature error.
    static func encodeKey(_ key: String, path: String) throws -> String {
        let allowed: (UInt8) -> Bool = { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "-._~/=".utf8.contains(byte)
        }
        guard key.utf8.allSatisfy(allowed) else {
            throw WinnowError.invalid("\(path): object keys may hold only letters, digits and - . _ ~ / = (this key has others)")
        }
        return key
    }

    /// `name=value` pairs percent-encoded and sorted by name, as SigV4's canonical query
    /// string wants them (libcurl 7.88 signs the query as it is written).
    static func encodeQuery(_ pairs: [(String, String)]) -> String {
        pairs.map { (percentEncode($0.0), percentEncode($0.1)) }
            .sorted { $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "-._~".utf8.contains(byte)
            if unreserved { out.unicodeScalars.append(Unicode.Scalar(byte)) } else {
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
