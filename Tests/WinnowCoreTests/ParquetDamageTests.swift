import Testing
@testable import WinnowCore

/// Damaged Parquet files give an error naming the file, row group, column and page; nothing
/// traps. Each case damages a real fixture in one place.
@Suite struct ParquetDamageTests {
    /// Reads every row of `path`, returning the error's text (or nil when it reads).
    static func readError(_ path: String) -> String? {
        do {
            try ParquetInspection.rows(path: path) { _ in }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A copy of fixture `name` in a fresh folder, changed by `damage`.
    static func damaged(_ name: String, _ damage: (inout [UInt8], ParquetFile) throws -> Void) throws -> String {
        let source = ParquetFixtureTests.fixture(name)
        var bytes = try readFile(source)
        try damage(&bytes, try ParquetFile(path: source))
        let path = try temporaryDirectory("parquet-damage") + "/\(name).parquet"
        try writeFileAtomically(path, bytes)
        return path
    }

    /// The byte offset of the varint holding field `path` (ids from the outside in) of the
    /// page header at `offset`.
    static func headerField(_ bytes: [UInt8], at offset: Int, _ path: [Int16]) throws -> Int {
        var found: Int?
        try bytes.withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw, at: offset)
            func walk(_ r: inout ThriftCompactReader, _ rest: ArraySlice<Int16>) throws {
                try r.readStruct { r, id, type in
                    if id == rest.first {
                        if rest.count == 1 { found = r.position } else { try walk(&r, rest.dropFirst()); return }
                    }
                    try r.skip(type)
                }
            }
            try walk(&reader, path[...])
        }
        guard let found else { throw WinnowError.invalid("no field \(path)") }
        return found
    }

    /// Adds `delta` to the zigzag varint at `offset`, which must keep its length.
    static func adjustVarint(_ bytes: inout [UInt8], at offset: Int, by delta: Int64) {
        var cursor = 0, shift: UInt64 = 0, raw: UInt64 = 0
        while true {
            let b = bytes[offset + cursor]
            raw |= UInt64(b & 0x7F) << shift
            cursor += 1
            if b & 0x80 == 0 { break }
            shift += 7
        }
        let value = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))) + delta
        var encoded = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        for k in 0..<cursor {
            bytes[offset + k] = UInt8(encoded & 0x7F) | (k < cursor - 1 ? 0x80 : 0)
            encoded >>= 7
        }
    }

    static func chunk(_ file: ParquetFile, column name: String, group: Int = 0) -> ParquetColumnMetaData {
        let leaf = file.schema.leaves.first { $0.dottedPath == name }!
        return file.metadata.rowGroups[group].columns[leaf.leafIndex].metaData!
    }

    @Test func truncatedFile() throws {
        let path = try Self.damaged("codec-snappy-v1") { bytes, _ in bytes.removeLast(bytes.count / 3) }
        #expect(Self.readError(path)?.contains("does not end with the Parquet magic PAR1") == true)
    }

    @Test func wrongMagic() throws {
        let path = try Self.damaged("codec-snappy-v1") { bytes, _ in bytes[0] = UInt8(ascii: "X") }
        #expect(Self.readError(path)?.contains("does not start with the Parquet magic PAR1") == true)
    }

    @Test func corruptFooter() throws {
        let path = try Self.damaged("codec-snappy-v1") { bytes, file in
            let start = Int(file.footerOffset)
            for k in start..<start + 40 { bytes[k] = 0xFF }
        }
        let error = Self.readError(path)
        #expect(error?.contains("corrupt Parquet footer") == true, "\(error ?? "read")")
        #expect(error?.contains("codec-snappy-v1.parquet") == true)
    }

    @Test func pageChecksumMismatch() throws {
        let path = try Self.damaged("codec-none-v1") { bytes, file in
            let text = Array("plain ascii 0".utf8)
            let at = (0..<bytes.count - text.count).first { Array(bytes[$0..<$0 + text.count]) == text }!
            bytes[at] ^= 0x20
            _ = file
        }
        let error = Self.readError(path) ?? "read"
        #expect(error.contains("row group 0, column 'text', page"), "\(error)")
        #expect(error.contains("the page checksum is wrong"), "\(error)")
    }

    @Test func pageDecompressingToTheWrongSize() throws {
        let path = try Self.damaged("codec-zstd-v1") { bytes, file in
            let column = Self.chunk(file, column: "i64")
            let page = Int(column.dictionaryPageOffset ?? column.dataPageOffset)
            Self.adjustVarint(&bytes, at: try Self.headerField(bytes, at: page, [2]), by: 1)
        }
        let error = Self.readError(path) ?? "read"
        #expect(error.contains("row group 0, column 'i64', page 0"), "\(error)")
        #expect(error.contains("but its header says"), "\(error)")
    }

    @Test func dictionaryIndexOutOfRange() throws {
        let path = try Self.damaged("flat-dict-v1-req") { bytes, file in
            let column = Self.chunk(file, column: "id")
            let page = Int(column.dictionaryPageOffset!)
            Self.adjustVarint(&bytes, at: try Self.headerField(bytes, at: page, [7, 1]), by: -1)
        }
        let error = Self.readError(path) ?? "read"
        #expect(error.contains("row group 0, column 'id', page "), "\(error)")
        #expect(error.contains("dictionary index 9 is out of range (the dictionary has 9 entries)"), "\(error)")
    }

    @Test func rowCountDisagreeingWithTheFooter() throws {
        let path = try Self.damaged("flat-plain-v1-req") { bytes, file in
            let column = Self.chunk(file, column: "i64")
            Self.adjustVarint(&bytes, at: try Self.headerField(bytes, at: Int(column.dataPageOffset), [5, 1]), by: -1)
        }
        let error = Self.readError(path) ?? "read"
        #expect(error.contains("row group 0, column 'i64'"), "\(error)")
        #expect(error.contains("rows but the footer says the row group has 10"), "\(error)")
    }

    @Test func encryptedFilesAreRefused() throws {
        let path = try Self.damaged("codec-none-v1") { bytes, _ in
            bytes.replaceSubrange(bytes.count - 4..<bytes.count, with: Array("PARE".utf8))
        }
        #expect(Self.readError(path)?.contains("encrypted Parquet") == true)
    }
}
