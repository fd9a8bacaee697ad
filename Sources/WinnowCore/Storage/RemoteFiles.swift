import Glibc

/// The file helpers' (`Files.swift`) answers for `s3://` and `http(s)://` paths: a bucket has
/// objects and key prefixes, which stand in for files and folders.
enum RemoteFiles {
    static func exists(_ path: String) -> Bool {
        (try? ObjectStore.exists(path)) ?? false
    }

    /// A prefix with objects under it (`s3://bucket/prefix`, or the bucket itself), which is
    /// not itself an object.
    static func isFolder(_ path: String) -> Bool {
        guard case let .s3(bucket, key) = StoragePath(path) else { return false }
        if !key.isEmpty, !key.hasSuffix("/"), exists(path) { return false }
        let prefix = key.isEmpty || key.hasSuffix("/") ? key : key + "/"
        return ((try? ObjectStore.list(bucket: bucket, prefix: prefix, delimiter: "/", pageSize: 1, firstPageOnly: true)).map { !$0.objects.isEmpty || !$0.folders.isEmpty }) ?? false
    }

    /// The names directly under the folder `path`, sorted bytewise.
    static func list(_ path: String) throws -> [String] {
        guard case let .s3(bucket, key) = StoragePath(path) else {
            throw WinnowError.invalid("\(path): web addresses cannot be listed; name each file")
        }
        let prefix = key.isEmpty || key.hasSuffix("/") ? key : key + "/"
        let listing = try ObjectStore.list(bucket: bucket, prefix: prefix, delimiter: "/")
        let names = listing.objects.map { String($0.key.dropFirst(prefix.count)) }
            + listing.folders.map { String($0.dropFirst(prefix.count).dropLast()) }
        return names.filter { !$0.isEmpty }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The objects whose keys match the glob `pattern` (`*` and `?` do not cross `/`), listed
    /// from the longest prefix before the first wildcard; a pattern without wildcards is itself
    /// if it exists (an object, or a folder of objects).
    static func glob(_ pattern: String) throws -> [String] {
        guard case let .s3(bucket, key) = StoragePath(pattern) else {
            if pattern.contains(where: { "*?[".contains($0) }) {
                throw WinnowError.invalid("\(pattern): web addresses cannot be listed, so they cannot hold wildcards")
            }
            return [pattern]
        }
        guard let wildcard = key.firstIndex(where: { "*?[".contains($0) }) else {
            if try ObjectStore.exists(pattern) { return [pattern] }
            return isFolder(pattern) ? [pattern] : []
        }
        let listing = try ObjectStore.list(bucket: bucket, prefix: String(key[..<wildcard]))
        return listing.objects.map(\.key).filter { fnmatch(key, $0, FNM_PATHNAME) == 0 }.map { "s3://\(bucket)/\($0)" }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
