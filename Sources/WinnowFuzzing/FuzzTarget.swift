#if canImport(Glibc)
import Glibc
#endif
import WinnowCore

/// One reader of outside bytes, as the fuzzing harness drives it (docs/fuzzing.md): the bytes
/// are handed to the reader the way a user's file would be, and everything it returns is
/// touched. Throwing is the reader doing its job; only a trap, a crash or a hang is a finding.
public struct FuzzTarget: Sendable {
    public let name: String
    /// Real files to start from, relative to the repository root (files, or folders whose
    /// files are all taken).
    public let seeds: [String]
    /// Seeds made in code, for formats the repository keeps no file of.
    public let madeSeeds: @Sendable () throws -> [[UInt8]]
    let body: @Sendable (ScratchFiles, UnsafeRawBufferPointer) throws -> Void

    public init(_ name: String, seeds: [String] = [], madeSeeds: @escaping @Sendable () throws -> [[UInt8]] = { [] },
                _ body: @escaping @Sendable (ScratchFiles, UnsafeRawBufferPointer) throws -> Void) {
        self.name = name
        self.seeds = seeds
        self.madeSeeds = madeSeeds
        self.body = body
    }

    /// Runs one input; a thrown error is a normal outcome and is returned for tests to look at.
    @discardableResult
    public func run(_ bytes: UnsafeRawBufferPointer) -> Error? {
        do {
            try body(ScratchFiles.shared, bytes)
            return nil
        } catch {
            return error
        }
    }

    public func run(_ bytes: [UInt8]) -> Error? { bytes.withUnsafeBytes { run($0) } }
}

/// Where targets put the bytes for readers that open a path: one folder per process, one file
/// name per suffix, overwritten by every input.
public final class ScratchFiles: Sendable {
    public static let shared = ScratchFiles()
    public let directory: String

    init() {
        directory = "\(temporaryDirectory())/winnow-fuzz-\(getpid())"
        try? makeDirectories(directory)
    }

    /// Writes `bytes` as `name` (e.g. `shard.jsonl.zst`) and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: UnsafeRawBufferPointer) throws -> String {
        // Not atomic: only this process reads it, and speed is executions per second.
        let path = "\(directory)/\(name)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw WinnowError.io(path: path, operation: "create", errno: errno) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 { throw WinnowError.io(path: path, operation: "write", errno: errno) }
            offset += n
        }
        return path
    }

    /// Two files in one input (`vocab.json` and `merges.txt`, an index and its data): cut at
    /// the first `separator`; without one, the second file is empty.
    public static let separator = Array("\n--winnow-fuzz-next-file--\n".utf8)

    public static func split(_ bytes: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        let sep = separator
        if bytes.count >= sep.count {
            for start in 0...(bytes.count - sep.count) where bytes[start] == sep[0] {
                if (0..<sep.count).allSatisfy({ bytes[start + $0] == sep[$0] }) {
                    return (UnsafeRawBufferPointer(rebasing: bytes[..<start]), UnsafeRawBufferPointer(rebasing: bytes[(start + sep.count)...]))
                }
            }
        }
        return (bytes, UnsafeRawBufferPointer(start: nil, count: 0))
    }

    public static func join(_ first: [UInt8], _ second: [UInt8]) -> [UInt8] { first + separator + second }
}

private func temporaryDirectory() -> String {
    if let dir = getenv("TMPDIR") { return String(cString: dir) }
    return "/tmp"
}
