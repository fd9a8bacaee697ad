/// Where a path's bytes live: a local file, an object in an S3-compatible bucket (`s3://bucket/key`)
/// or a read-only web address (`https://…`, `http://…`). Every reader and writer opens its path
/// through this, so no stage knows where its bytes are.
public enum StoragePath: Sendable, Equatable {
    case local(String)
    case s3(bucket: String, key: String)
    case web(String)

    public init(_ path: String) {
        if path.hasPrefix("s3://") {
            let rest = path.dropFirst(5)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            let key = slash < rest.endIndex ? String(rest[rest.index(after: slash)...]) : ""
            self = .s3(bucket: String(rest[..<slash]), key: key)
        } else if path.hasPrefix("https://") || path.hasPrefix("http://") {
            self = .web(path)
        } else {
            self = .local(path)
        }
    }

    /// Whether `path` names an object store or web address rather than a local file.
    public static func isRemote(_ path: String) -> Bool {
        path.hasPrefix("s3://") || path.hasPrefix("https://") || path.hasPrefix("http://")
    }
}
