import CCurl
import Dispatch
import Glibc

/// One HTTP request as the object-storage code makes it.
struct HTTPRequest: Sendable {
    var method = "GET"
    var url: String
    /// What messages call the thing requested (`s3://bucket/key`, the web address).
    var name: String
    /// What the request does, for messages ("read bytes 0-1023", "list", "upload part 3").
    var operation: String
    var headers: [String] = []
    var body: [UInt8]? = nil
    /// Signs the request with AWS SigV4 for this region when given.
    var signing: (S3Settings.Credentials, region: String)? = nil
}

struct HTTPResponse: Sendable {
    var status: Int
    /// Lower-cased header names.
    var headers: [String: String]
    var body: [UInt8]

    var isSuccess: Bool { (200..<300).contains(status) }
    /// The `<Code>` of an S3 error body, if there is one.
    var errorCode: String? { XMLScan(body).first("Code") }
    var errorMessage: String? { XMLScan(body).first("Message") }
}

/// HTTP through libcurl: one easy handle per thread at a time (kept in a pool, so connections
/// are reused), a process-wide limit on requests in flight, and retries with exponential
/// backoff and full jitter on 5xx, 429, SlowDown and dropped or stalled connections, bounded by
/// `WINNOW_S3_ATTEMPTS` (default 8); then an error naming the address, the operation and the
/// last status. Requests never carry the secret in a message: SigV4 is computed by libcurl
/// (`CURLOPT_AWS_SIGV4`) and errors name only the address.
enum HTTPClient {
    static let maxAttempts = max(1, environmentInt("WINNOW_S3_ATTEMPTS") ?? 8)
    /// Seconds a transfer may go without a byte before it counts as dropped and is retried.
    static let stallSeconds = max(1, environmentInt("WINNOW_S3_STALL_SECONDS") ?? 30)
    /// Requests one task (process) has in flight at most (`WINNOW_S3_MAX_REQUESTS`, default 8).
    static let inFlight = DispatchSemaphore(value: max(1, environmentInt("WINNOW_S3_MAX_REQUESTS") ?? 8))
    private static let handles = Locked<[UnsafeMutableRawPointer]>([])
    private static let initialized: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

    /// Sends `request`, retrying what may pass, and returns the response when its status is in
    /// `accept` (default: 2xx); any other status is an error.
    static func send(_ request: HTTPRequest, accept: (Int) -> Bool = { (200..<300).contains($0) }) throws -> HTTPResponse {
        var lastProblem = ""
        for attempt in 1...maxAttempts {
            if attempt > 1 { backoff(attempt: attempt - 1) }
            let outcome = perform(request)
            switch outcome {
            case let .answered(response):
                if accept(response.status) { return response }
                let code = response.errorCode
                lastProblem = "HTTP \(response.status)" + (code.map { " \($0)" } ?? "") + (response.errorMessage.map { ": \($0)" } ?? "")
                guard retryable(status: response.status, code: code) else {
                    throw WinnowError.invalid("\(request.name): \(request.operation) failed: \(lastProblem)\(hint(status: response.status, code: code))")
                }
            case let .noAnswer(problem):
                lastProblem = problem
            }
        }
        throw WinnowError.invalid("\(request.name): \(request.operation) failed after \(maxAttempts) attempts; last: \(lastProblem)")
    }

    static func retryable(status: Int, code: String?) -> Bool {
        status >= 500 || status == 429 || status == 408 || code == "SlowDown" || code == "RequestTimeout" || code == "Throttling"
    }

    private static func hint(status: Int, code: String?) -> String {
        switch code {
        case "NoSuchBucket": return " (the bucket does not exist)"
        case "InvalidAccessKeyId", "SignatureDoesNotMatch":
            return " (the credentials were refused: \(S3Settings.current.description); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE)"
        case "AccessDenied": return " (access denied with \(S3Settings.current.description))"
        default: return status == 404 ? " (no such object)" : ""
        }
    }

    /// Sleeps a random time up to 0.1 s × 2^(attempt-1), at most 10 s (full jitter).
    private static func backoff(attempt: Int) {
        let ceiling = min(10.0, 0.1 * Double(1 << min(attempt - 1, 20)))
        let seconds = Double.random(in: ceiling / 4...ceiling)
        usleep(UInt32(seconds * 1_000_000))
    }

    /// One attempt: the response, or why no response came (a connection problem).
    private static func perform(_ request: HTTPRequest) -> Attempt {
        _ = initialized
        inFlight.wait()
        defer { inFlight.signal() }
        guard let handle = handles.withLock({ $0.popLast() }) ?? curl_easy_init() else {
            return .noAnswer("cannot start a curl handle")
        }
        curl_easy_reset(handle)
        let sink = ResponseSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers { headerList = curl_slist_append(headerList, header) }
        if request.signing != nil {
            // Bodies are not hashed into the signature (libcurl 7.88 does not send the hash
            // S3 then expects); TLS protects them on the way.
            headerList = curl_slist_append(headerList, "x-amz-content-sha256: UNSIGNED-PAYLOAD")
        }
        if request.body != nil { headerList = curl_slist_append(headerList, "Content-Type: application/octet-stream") }
        if let token = request.signing?.0.sessionToken {
            headerList = curl_slist_append(headerList, "x-amz-security-token: \(token)")
        }
        let result: CURLcode = request.url.withCString { url in
            _ = winnow_curl_set_pointer(handle, CURLOPT_URL, url)
            _ = winnow_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
            _ = winnow_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, 10)
            // No waiting for "100 Continue" before sending a part (an "Expect:" header to turn
            // it off would be signed by libcurl but not sent, and the signature would fail).
            _ = winnow_curl_set_long(handle, CURLOPT_EXPECT_100_TIMEOUT_MS, 1)
            _ = winnow_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
            _ = winnow_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, stallSeconds)
            _ = winnow_curl_set_pointer(handle, CURLOPT_HTTPHEADER, headerList)
            _ = winnow_curl_set_write(handle, { data, size, count, context in
                let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
                sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            })
            _ = winnow_curl_set_pointer(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque())
            _ = winnow_curl_set_header_callback(handle, { data, size, count, context in
                let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
                sink.header(UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            })
            _ = winnow_curl_set_pointer(handle, CURLOPT_HEADERDATA, unmanaged.toOpaque())
            switch request.method {
            case "GET": break
            case "HEAD": _ = winnow_curl_set_long(handle, CURLOPT_NOBODY, 1)
            default: _ = request.method.withCString { winnow_curl_set_pointer(handle, CURLOPT_CUSTOMREQUEST, $0) }
            }
            return withSigning(request, handle) {
                if let body = request.body {
                    return body.withUnsafeBytes { bytes in
                        _ = winnow_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                        _ = winnow_curl_set_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
                        return curl_easy_perform(handle)
                    }
                }
                return curl_easy_perform(handle)
            }
        }
        if result != CURLE_OK {
            curl_easy_cleanup(handle)
            return .noAnswer("connection error: \(String(cString: curl_easy_strerror(result)))")
        }
        let status = winnow_curl_status(handle)
        handles.withLock { $0.append(handle) }
        return .answered(HTTPResponse(status: status, headers: sink.headers, body: sink.body))
    }

    /// Runs `body` with SigV4 signing set on `handle` when the request is signed (the C strings
    /// must live until the transfer ends).
    private static func withSigning(_ request: HTTPRequest, _ handle: UnsafeMutableRawPointer, _ body: () -> CURLcode) -> CURLcode {
        guard let (credentials, region) = request.signing.map({ ($0.0, $0.region) }) else { return body() }
        return "aws:amz:\(region):s3".withCString { provider in
            "\(credentials.accessKey):\(credentials.secretKey)".withCString { userpwd in
                _ = winnow_curl_set_pointer(handle, CURLOPT_AWS_SIGV4, provider)
                _ = winnow_curl_set_pointer(handle, CURLOPT_USERPWD, userpwd)
                return body()
            }
        }
    }
}

/// What one try at a request gave.
private enum Attempt {
    case answered(HTTPResponse)
    /// No answer: the connection failed, dropped or stalled (why, for the message).
    case noAnswer(String)
}

/// Where one response's headers and body collect.
private final class ResponseSink {
    var body: [UInt8] = []
    var headers: [String: String] = [:]

    func header(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") { headers = [:]; return }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = String(text[text.index(after: colon)...]).trimmingCharactersOfLine
        headers[name] = value
        // One allocation for the body instead of doubling up to it.
        if name == "content-length", let length = Int(value), length > 0, length <= 1 << 30 { body.reserveCapacity(length) }
    }
}

extension StringProtocol {
    fileprivate var trimmingCharactersOfLine: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }).reversed())
    }
}

/// An integer environment variable, if set.
func environmentInt(_ name: String) -> Int? {
    getenv(name).flatMap { Int(String(cString: $0)) }
}
