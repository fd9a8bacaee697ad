import Foundation
import Testing
@testable import WinnowCore

/// The storage seam's parts that need no server: credentials and endpoints found as the AWS CLI
/// finds them, the URLs and signed query strings built, S3's XML read; and, against the local
/// store when `Scripts/test.sh` started one, ranged reads with read-ahead and uploads.
struct ObjectStorageTests {
    func files(credentials: String, config: String) throws -> [String: String] {
        let dir = NSTemporaryDirectory() + "winnow-aws-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try credentials.write(toFile: "\(dir)/credentials", atomically: true, encoding: .utf8)
        try config.write(toFile: "\(dir)/config", atomically: true, encoding: .utf8)
        return ["AWS_SHARED_CREDENTIALS_FILE": "\(dir)/credentials", "AWS_CONFIG_FILE": "\(dir)/config", "HOME": dir]
    }

    @Test func credentialsComeFromTheEnvironmentFirstThenTheProfile() throws {
        let env = try files(credentials: """
            [default]
            aws_access_key_id = DEFAULTKEY
            aws_secret_access_key = defaultsecret
            [work]
            aws_access_key_id = WORKKEY
            aws_secret_access_key = worksecret
            aws_session_token = worktoken
            """, config: """
            [default]
            region = eu-west-1
            [profile work]
            region = us-west-2
            endpoint_url = http://127.0.0.1:9000/
            s3 =
              addressing_style = virtual
            """)
        let byDefault = S3Settings.load(environment: env)
        #expect(byDefault.credentials?.accessKey == "DEFAULTKEY" && byDefault.region == "eu-west-1" && byDefault.endpoint == nil)
        #expect(byDefault.url(bucket: "data", encodedKey: "a/b.jsonl") == "https://data.s3.eu-west-1.amazonaws.com/a/b.jsonl")

        var work = env
        work["AWS_PROFILE"] = "work"
        let profile = S3Settings.load(environment: work)
        #expect(profile.credentials?.accessKey == "WORKKEY" && profile.credentials?.sessionToken == "worktoken")
        #expect(profile.region == "us-west-2" && profile.endpoint == "http://127.0.0.1:9000" && !profile.pathStyle)
        #expect(profile.url(bucket: "data", encodedKey: "k") == "http://data.127.0.0.1:9000/k")

        work["AWS_ACCESS_KEY_ID"] = "ENVKEY"
        work["AWS_SECRET_ACCESS_KEY"] = "envsecret"
        work["AWS_REGION"] = "ap-south-1"
        work["AWS_ENDPOINT_URL"] = "http://127.0.0.1:8333"
        let fromEnvironment = S3Settings.load(environment: work)
        #expect(fromEnvironment.credentials?.accessKey == "ENVKEY" && fromEnvironment.credentials?.sessionToken == nil)
        #expect(fromEnvironment.region == "ap-south-1")
        // The profile asks for virtual hosts; AWS_ENDPOINT_URL does not change that.
        #expect(fromEnvironment.url(bucket: "b", encodedKey: "k", query: "x=1") == "http://b.127.0.0.1:8333/k?x=1")
        // The secret is never part of the description that messages use.
        #expect(!fromEnvironment.description.contains("envsecret") && fromEnvironment.description.contains("…VKEY"))

        let custom = S3Settings.load(environment: ["HOME": "/nonexistent", "AWS_ENDPOINT_URL": "http://127.0.0.1:8333"])
        #expect(custom.credentials == nil && custom.pathStyle)
        #expect(custom.url(bucket: "b", encodedKey: "in/x.jsonl") == "http://127.0.0.1:8333/b/in/x.jsonl")
    }

    @Test func queriesAreSortedAndEncodedAsSigV4WantsThem() throws {
        #expect(ObjectStore.encodeQuery([("prefix", "in/a b"), ("list-type", "2"), ("continuation-token", "x+y=")])
            == "continuation-token=x%2By%3D&list-type=2&prefix=in%2Fa%20b")
        #expect(try ObjectStore.encodeKey("in/date=2024/part-0.jsonl.zst", path: "s3://b/k") == "in/date=2024/part-0.jsonl.zst")
        #expect(throws: WinnowError.self) { try ObjectStore.encodeKey("in/a b.jsonl", path: "s3://b/in/a b.jsonl") }
    }

    @Test func paths() {
        #expect(StoragePath("s3://bucket/in/x.parquet") == .s3(bucket: "bucket", key: "in/x.parquet"))
        #expect(StoragePath("s3://bucket") == .s3(bucket: "bucket", key: ""))
        #expect(StoragePath("https://host/x") == .web("https://host/x"))
        #expect(StoragePath("runs/x") == .local("runs/x"))
    }

    @Test func xmlAnswersAreRead() {
        let listing = XMLScan(Array("""
            <ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b/1.jsonl</Key><Size>12</Size></Contents>\
            <Contents><Key>c&#x2F;d</Key><Size>3</Size></Contents><NextContinuationToken>tok</NextContinuationToken>\
            <CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes></ListBucketResult>
            """.utf8))
        #expect(listing.blocks("Contents").map { $0.first("Key") } == ["a&b/1.jsonl", "c/d"])
        #expect(listing.first("IsTruncated") == "true" && listing.first("NextContinuationToken") == "tok")
        #expect(listing.blocks("CommonPrefixes").first?.first("Prefix") == "p/")
        #expect(XMLScan.escape("\"e&<") == "&quot;e&amp;&lt;")
    }
}

/// Against the local store (`Scripts/test.sh`): the bytes of a ranged, read-ahead stream and of
/// `peek` match the object, multipart uploads appear only when complete, listings page.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["WINNOW_S3_TESTS"] == "1", "needs a local S3 store: Scripts/test.sh starts one"))
struct ObjectStoreServerTests {
    let bucket = "core-\(UInt32.random(in: 0...UInt32.max))"

    @Test func readAheadStreamsAndPeeksGiveTheObjectsBytes() throws {
        try ObjectStore.createBucket(bucket)
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(300_000 + 77)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try ObjectStore.put("s3://\(bucket)/blob", bytes)
        // Chunks smaller than the reader's buffer and not dividing the size.
        let object = try RemoteObject(path: "s3://\(bucket)/blob", chunkSize: 40_000, depth: 3)
        #expect(object.size == Int64(bytes.count))
        var read: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try object.read(into: $0) }
            if n == 0 { break }
            read += buffer[0..<n]
        }
        #expect(read == bytes)
        #expect(try object.peek(count: 10, at: 5) == Array(bytes[5..<15]))
        #expect(try object.peek(count: 100, at: Int64(bytes.count - 8)) == Array(bytes.suffix(8)))
        #expect(try object.peek(count: 10, at: Int64(bytes.count)) == [])
    }

    @Test func uploadsAppearOnlyWhenCompleteAndListingsPage() throws {
        try ObjectStore.createBucket(bucket)
        let path = "s3://\(bucket)/out/part.bin"
        let upload = try MultipartUpload.start(path)
        try upload.send([UInt8](repeating: 1, count: 6 << 20))
        try upload.send([2, 3])
        #expect(try !ObjectStore.exists(path))
        #expect(try MultipartUpload.unfinished(bucket: bucket, prefix: "out/").map(\.uploadID) == [upload.uploadID])
        try upload.complete()
        #expect(try ObjectStore.size(path) == Int64(6 << 20) + 2)
        #expect(try ObjectStore.read(path, offset: Int64(6 << 20) - 1, count: 10) == [1, 2, 3])

        let abandoned = try MultipartUpload.start("s3://\(bucket)/out/gone.bin")
        try abandoned.send([9])
        try abandoned.abort()
        #expect(try MultipartUpload.unfinished(bucket: bucket, prefix: "out/").isEmpty)
        #expect(try !ObjectStore.exists("s3://\(bucket)/out/gone.bin"))

        for i in 0..<5 { try ObjectStore.put("s3://\(bucket)/many/\(i).jsonl", [UInt8(i)]) }
        // Two keys a page: three pages, followed by their continuation tokens.
        #expect(try ObjectStore.list(bucket: bucket, prefix: "many/", pageSize: 2).objects.map(\.key) == (0..<5).map { "many/\($0).jsonl" })
        #expect(try ObjectStore.list(bucket: bucket, prefix: "many/", pageSize: 2, firstPageOnly: true).objects.count == 2)
        let listing = try ObjectStore.list(bucket: bucket, prefix: "", delimiter: "/")
        #expect(listing.folders == ["many/", "out/"])
        #expect(try expandPattern("s3://\(bucket)/many/[13].jsonl") == ["s3://\(bucket)/many/1.jsonl", "s3://\(bucket)/many/3.jsonl"])
        #expect(try listEntries("s3://\(bucket)/many") == (0..<5).map { "\($0).jsonl" })
    }
}
