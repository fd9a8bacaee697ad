/// The errors Winnow's library code throws. Each names where the problem is (file, line, byte
/// offset or pipeline key) so the command line can print one line a user can act on.
public enum WinnowError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An operating-system call failed on a file (open, read, write, rename, …).
    case io(path: String, operation: String, errno: Int32)
    /// A compressed stream is damaged or cut short. `offset` is the compressed byte offset
    /// reached when the damage was found.
    case corruptStream(path: String, offset: Int64, detail: String)
    /// A pipeline or settings file is wrong. `line` is 1-based, nil when unknown.
    case config(path: String, line: Int?, detail: String)
    /// Anything else that is the user's to fix, stated in full.
    case invalid(String)

    public var description: String {
        switch self {
        case let .io(path, operation, code):
            return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        case let .corruptStream(path, offset, detail):
            return "\(path): \(detail) (at compressed byte offset \(offset))"
        case let .config(path, line, detail):
            if let line { return "\(path):\(line): \(detail)" }
            return "\(path): \(detail)"
        case let .invalid(message):
            return message
        }
    }
}

