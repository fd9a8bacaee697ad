import WinnowCore

/// Reads the committed peer fixtures beside this file (made by Scripts/fixtures/tokenizers_*.py).
enum Fixture {
    static let directory = String(#filePath.dropLast("FixtureSupport.swift".count)) + "Fixtures/"

    static func json(_ name: String) throws -> JSONValue {
        let bytes = try readFile(directory + name)
        return try bytes.withUnsafeBytes { try JSONValue.parse($0) }
    }

    static func bytes(_ name: String) throws -> [UInt8] { try readFile(directory + name) }
}

extension JSONValue {
    var array: [JSONValue] {
        if case let .array(items) = self { return items }
        return []
    }

    var int: Int { Int(doubleValue ?? -1) }

    subscript(key: String) -> JSONValue {
        if case let .object(o) = self { return o[key] ?? .null }
        return .null
    }
}
