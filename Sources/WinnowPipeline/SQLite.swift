import CSQLite3
import WinnowCore

/// A thin wrapper over the SQLite C API: enough for the ledger, nothing more.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    let path: String

    init(path: String) throws {
        self.path = path
        try makeDirectories(parentOf: path)
        if sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil) != SQLITE_OK {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw WinnowError.invalid("\(path): cannot open the ledger: \(message)")
        }
        // Task processes and the runner write concurrently: wait for locks rather than fail.
        sqlite3_busy_timeout(handle, 60_000)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
    }

    deinit { sqlite3_close(handle) }

    private var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// The error of a failed statement. A full disk is said in words (the SQL means nothing
    /// to the user, and the fix is theirs: free space, run again).
    private func failure(_ sql: String) -> WinnowError {
        let code = sqlite3_errcode(handle) & 0xFF
        if code == SQLITE_FULL || (code == SQLITE_IOERR && sqlite3_system_errno(handle) == ENOSPC) {
            return .invalid("\(path): the disk holding the workdir is full, so the ledger could not be updated; free some space and run again (finished tasks are kept)")
        }
        return .invalid("\(path): ledger error: \(errorMessage) in \(sql)")
    }

    func execute(_ sql: String) throws {
        if sqlite3_exec(handle, sql, nil, nil, nil) != SQLITE_OK { throw failure(sql) }
    }

    enum Value {
        case int(Int64), double(Double), text(String), null
    }

    /// Runs one statement with bound parameters and returns its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [Value] = []) throws -> [[Value]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { throw failure(sql) }
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, parameter) in parameters.enumerated() {
            let index = Int32(i + 1)
            switch parameter {
            case let .int(v): sqlite3_bind_int64(statement, index, v)
            case let .double(v): sqlite3_bind_double(statement, index, v)
            case let .text(v): sqlite3_bind_text(statement, index, v, -1, transient)
            case .null: sqlite3_bind_null(statement, index)
            }
        }
        var rows: [[Value]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw failure(sql) }
            rows.append((0..<sqlite3_column_count(statement)).map { column in
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: return .int(sqlite3_column_int64(statement, column))
                case SQLITE_FLOAT: return .double(sqlite3_column_double(statement, column))
                case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, column)))
                default: return .null
                }
            })
        }
    }
}

extension SQLiteDatabase.Value {
    var int: Int? {
        switch self {
        case let .int(v): return Int(v)
        case let .double(v): return Int(v)
        default: return nil
        }
    }

    var double: Double? {
        switch self {
        case let .int(v): return Double(v)
        case let .double(v): return v
        default: return nil
        }
    }

    var text: String? {
        if case let .text(v) = self { return v }
        return nil
    }
}
