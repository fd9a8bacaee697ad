/// Small file-system helpers shared by readers, writers and the runner. Each takes local paths
/// and `s3://` (and, to read, `http(s)://`) addresses alike (`RemoteFiles`), so no caller
/// knows where its bytes live.

/// Creates `path` and its missing parents (like `mkdir -p`); buckets have no folders to make.
public func makeDirectories(_ path: String) throws {
    if StoragePath.isRemote(path) { return }
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
        prefix += component
        if mkdir(prefix, 0o755) != 0, errno != EEXIST {
            throw WinnowError.io(path: prefix, operation: "mkdir", errno: errno)
        }
        prefix += "/"
    }
}

/// Creates the directory that will hold `path`.
public func makeDirectories(parentOf path: String) throws {
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
        try makeDirectories(String(path[..<slash]))
    }
}

public func fileExists(_ path: String) -> Bool {
    StoragePath.isRemote(path) ? RemoteFiles.exists(path) : access(path, F_OK) == 0
}

public func isDirectory(_ path: String) -> Bool {
    if StoragePath.isRemote(path) { return RemoteFiles.isFolder(path) }
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

public func fileSize(_ path: String) -> Int64 {
    if StoragePath.isRemote(path) { return (try? ObjectStore.size(path)) ?? 0 }
    var st = stat()
    return stat(path, &st) == 0 ? Int64(st.st_size) : 0
}

/// The names in a directory, sorted bytewise; empty if it does not exist (or cannot be listed:
/// `listEntries` says why).
public func listDirectory(_ path: String) -> [String] {
    if StoragePath.isRemote(path) { return (try? RemoteFiles.list(path)) ?? [] }
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
}

/// Writes `bytes` to `path` through a temporary file and a rename, so readers never see a
/// partial file.
public func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws {
    if StoragePath.isRemote(path) { return try ObjectStore.put(path, bytes) }
    try makeDirectories(parentOf: path)
    removeStaleTemporaries(of: path)
    let temporary = "\(path).tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 { throw WinnowError.io(path: temporary, operation: "create", errno: errno) }
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
        if n < 0 {
            if errno == EINTR { continue }
            let code = errno
            close(fd); unlink(temporary)
            throw WinnowError.io(path: temporary, operation: "write", errno: code)
        }
        offset += n
    }
    close(fd)
    if rename(temporary, path) != 0 { throw WinnowError.io(path: path, operation: "rename", errno: errno) }
}

/// Writes all of `bytes` to an open file, retrying short writes and EINTR; `path` names the
/// file in the error.
public func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
    var offset = 0
    while offset < bytes.count {
        let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            throw WinnowError.io(path: path, operation: "write", errno: errno)
        }
        offset += n
    }
}

/// The whole content of a file.
public func readFile(_ path: String) throws -> [UInt8] {
    let source = try openRandomAccess(path: path)
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { return out }
        out.append(contentsOf: chunk[0..<n])
    }
}

/// `expandGlob` for local paths and `s3://` patterns (matched against the bucket's listing) alike;
/// a web address is itself.
public func expandPattern(_ pattern: String) throws -> [String] {
    StoragePath.isRemote(pattern) ? try RemoteFiles.glob(pattern) : expandGlob(pattern)
}

/// Expands a shell glob (`*`, `?`, `[…]`) into sorted matching paths; a path without wildcards
/// is returned as is if it exists.
public func expandGlob(_ pattern: String) -> [String] {
    var result = glob_t()
    defer { globfree(&result) }
    guard glob(pattern, 0, nil, &result) == 0 else { return [] }
    return (0..<Int(result.gl_pathc)).compactMap { i in result.gl_pathv[i].map { String(cString: $0) } }
        .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
}

/// The names under a folder, local or `s3://…/prefix` (objects and sub-folders directly under it).
public func listEntries(_ path: String) throws -> [String] {
    StoragePath.isRemote(path) ? try RemoteFiles.list(path) : listDirectory(path)
}
