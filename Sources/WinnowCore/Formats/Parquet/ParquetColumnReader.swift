/// The levels and values of one column chunk, decoded. A class: rows are assembled from it
/// value by value, and a reference costs one retain where a struct of arrays costs several.
final class ParquetColumnChunkData {
    /// Definition levels, one per entry; empty when the column's maximum is 0.
    var definitionLevels: [UInt8] = []
    /// Repetition levels, one per entry; empty when the column is not repeated.
    var repetitionLevels: [UInt8] = []
    var values: ParquetColumnValues
    var entryCount = 0

    init(values: ParquetColumnValues) { self.values = values }
}

/// Reads a column chunk page by page: checks each page's CRC, decompresses it, decodes its
/// levels and values. Any damage becomes an error naming the file, row group, column and page.
struct ParquetColumnReader {
    let file: ParquetFile
    let rowGroup: Int
    let leaf: ParquetSchemaNode

    /// More entries than this in one page, or in one column chunk, is refused as damage (real
    /// writers put at most tens of thousands in a page), so forged counts cannot make the
    /// reader allocate without bound.
    static let maxPageEntries = 1 << 26
    static let maxChunkEntries = 1 << 28

    func read() throws -> ParquetColumnChunkData {
        var page = 0
        var pageOffset: Int64 = 0
        do {
            return try decode(page: &page, pageOffset: &pageOffset)
        } catch let failure as ParquetFailure {
            throw damage("\(failure)", page: page, offset: pageOffset)
        } catch let failure as ThriftCompactReader.Failure {
            throw damage("corrupt page header: \(failure.message)", page: page, offset: pageOffset + Int64(failure.offset))
        }
    }

    private func damage(_ detail: String, page: Int, offset: Int64) -> WinnowError {
        .corruptStream(path: file.path, offset: offset,
                       detail: "row group \(rowGroup), column '\(leaf.dottedPath)', page \(page): \(detail)")
    }

    private func decode(page: inout Int, pageOffset: inout Int64) throws -> ParquetColumnChunkData {
        let group = file.metadata.rowGroups[rowGroup]
        let chunk = group.columns[leaf.leafIndex]
        guard !chunk.encrypted else { throw ParquetFailure("the column is encrypted; Winnow does not read encrypted Parquet") }
        guard chunk.filePath == nil else { throw ParquetFailure("the column chunk is in another file (\(chunk.filePath!)), which Winnow does not follow") }
        guard let meta = chunk.metaData else { throw ParquetFailure("the column chunk has no metadata") }
        // An empty row group's chunks may point nowhere (pyarrow writes offset 0): nothing to read.
        if group.numRows == 0, meta.numValues == 0 {
            return ParquetColumnChunkData(values: ParquetColumnValues(type: meta.type, typeLength: leaf.typeLength))
        }
        guard meta.type == leaf.physicalType else {
            throw ParquetFailure("the chunk holds \(meta.type.name) but the schema says \(leaf.physicalType?.name ?? "a group")")
        }
        var start = meta.dataPageOffset
        if let dictionary = meta.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        pageOffset = start
        let buffer = try file.read(offset: start, count: meta.totalCompressedSize)
        var out = ParquetChunkDecoder(leaf: leaf, codec: meta.codec)
        try buffer.withUnsafeBytes { chunkBytes in
            var position = 0
            while position < chunkBytes.count {
                pageOffset = start + Int64(position)
                var thrift = ThriftCompactReader(chunkBytes, at: position)
                let header = try ParquetPageHeader(thrift: &thrift)
                position = thrift.position
                guard header.compressedSize <= chunkBytes.count - position else {
                    throw ParquetFailure("the page's \(header.compressedSize) bytes run past the column chunk's end (\(chunkBytes.count - position) remain)")
                }
                let body = UnsafeRawBufferPointer(rebasing: chunkBytes[position..<position + header.compressedSize])
                position += header.compressedSize
                if let crc = header.crc {
                    let actual = parquetCRC32(body)
                    guard actual == crc else {
                        throw ParquetFailure("the page checksum is wrong (CRC32 \(hex8(actual)), the header says \(hex8(crc)))")
                    }
                }
                try out.page(header, body)
                page += 1
            }
        }
        let rows = leaf.repetitionLevel > 0 ? out.data.repetitionLevels.lazy.filter { $0 == 0 }.count : out.data.entryCount
        guard rows == group.numRows else {
            throw ParquetFailure("the column holds \(rows) rows but the footer says the row group has \(group.numRows)")
        }
        return out.data
    }
}

/// Decodes the pages of one column chunk into its levels and values.
private struct ParquetChunkDecoder {
    let leaf: ParquetSchemaNode
    let codec: Int32
    let data: ParquetColumnChunkData
    var dictionary: ParquetColumnValues?

    init(leaf: ParquetSchemaNode, codec: Int32) {
        self.leaf = leaf
        self.codec = codec
        data = ParquetColumnChunkData(values: ParquetColumnValues(type: leaf.physicalType!, typeLength: leaf.typeLength))
    }

    mutating func page(_ header: ParquetPageHeader, _ body: UnsafeRawBufferPointer) throws {
        guard header.numValues <= ParquetColumnReader.maxPageEntries,
              data.entryCount + header.numValues <= ParquetColumnReader.maxChunkEntries else {
            throw ParquetFailure("the page claims \(header.numValues) values")
        }
        switch ParquetPageType(rawValue: header.type) {
        case .dictionaryPage:
            guard dictionary == nil else { throw ParquetFailure("a second dictionary page") }
            guard header.encoding == 0 || header.encoding == 2 else {
                throw ParquetFailure("a dictionary page in \(ParquetNames.encoding(header.encoding))")
            }
            let plain = try ParquetDecompressor.decompress(codec: codec, body, size: header.uncompressedSize)
            var values = ParquetColumnValues(type: data.values.type, typeLength: data.values.typeLength)
            try plain.withUnsafeBytes { bytes in
                var cursor = ParquetByteCursor(bytes)
                try values.appendPlain(&cursor, count: header.numValues)
            }
            dictionary = values
        case .dataPage:
            let plain = try ParquetDecompressor.decompress(codec: codec, body, size: header.uncompressedSize)
            try plain.withUnsafeBytes { bytes in
                var cursor = ParquetByteCursor(bytes)
                if leaf.repetitionLevel > 0 {
                    try levels(&cursor, encoding: header.repetitionLevelEncoding, count: header.numValues,
                               maximum: leaf.repetitionLevel, into: &data.repetitionLevels)
                }
                if leaf.definitionLevel > 0 {
                    try levels(&cursor, encoding: header.definitionLevelEncoding, count: header.numValues,
                               maximum: leaf.definitionLevel, into: &data.definitionLevels)
                }
                try values(&cursor, encoding: header.encoding, entries: header.numValues, pageBytes: bytes.count)
            }
        case .dataPageV2:
            let levelBytes = header.repetitionLevelsLength + header.definitionLevelsLength
            guard levelBytes <= body.count, levelBytes <= header.uncompressedSize else {
                throw ParquetFailure("the page's levels take \(levelBytes) bytes of its \(body.count)")
            }
            if leaf.repetitionLevel > 0 {
                var rle = try ParquetRLEDecoder(UnsafeRawBufferPointer(rebasing: body[0..<header.repetitionLevelsLength]),
                                                bitWidth: bitWidth(leaf.repetitionLevel))
                try rle.decode(count: header.numValues, maximum: UInt64(leaf.repetitionLevel), into: &data.repetitionLevels)
            }
            if leaf.definitionLevel > 0 {
                var rle = try ParquetRLEDecoder(UnsafeRawBufferPointer(rebasing: body[header.repetitionLevelsLength..<levelBytes]),
                                                bitWidth: bitWidth(leaf.definitionLevel))
                try rle.decode(count: header.numValues, maximum: UInt64(leaf.definitionLevel), into: &data.definitionLevels)
            }
            let rest = UnsafeRawBufferPointer(rebasing: body[levelBytes...])
            let plain = header.isCompressed
                ? try ParquetDecompressor.decompress(codec: codec, rest, size: header.uncompressedSize - levelBytes)
                : try ParquetDecompressor.decompress(codec: 0, rest, size: header.uncompressedSize - levelBytes)
            try plain.withUnsafeBytes { bytes in
                var cursor = ParquetByteCursor(bytes)
                try values(&cursor, encoding: header.encoding, entries: header.numValues, pageBytes: bytes.count)
            }
        case .indexPage, nil:
            return
        }
    }

    private func bitWidth(_ maximum: Int) -> Int { maximum == 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount }

    private func levels(_ cursor: inout ParquetByteCursor, encoding: Int32, count: Int, maximum: Int, into out: inout [UInt8]) throws {
        guard encoding == 3 else {
            throw ParquetFailure("levels in \(ParquetNames.encoding(encoding)) are not supported (only RLE)")
        }
        let length = Int(try cursor.littleEndianUInt32())
        var rle = try ParquetRLEDecoder(try cursor.take(length), bitWidth: bitWidth(maximum))
        try rle.decode(count: count, maximum: UInt64(maximum), into: &out)
    }

    /// Decodes the values of a data page holding `entries` levels.
    private mutating func values(_ cursor: inout ParquetByteCursor, encoding: Int32, entries: Int, pageBytes: Int) throws {
        var count = entries
        if leaf.definitionLevel > 0 {
            let levels = data.definitionLevels[data.entryCount...]
            let top = UInt8(leaf.definitionLevel)
            count = levels.reduce(0) { $0 + ($1 == top ? 1 : 0) }
        }
        data.entryCount += entries
        switch encoding {
        case 0:
            try data.values.appendPlain(&cursor, count: count)
        case 2, 8:
            guard count > 0 else { return }
            guard let dictionary else { throw ParquetFailure("dictionary-encoded values without a dictionary page") }
            let width = Int(try cursor.byte())
            var rle = try ParquetRLEDecoder(UnsafeRawBufferPointer(rebasing: cursor.bytes[cursor.position...]), bitWidth: width)
            var indices: [UInt32] = []
            try rle.decode(count: count, maximum: UInt64(UInt32.max), into: &indices)
            try data.values.appendFromDictionary(dictionary, indices: indices)
        case 3:
            guard data.values.type == .boolean else { throw ParquetFailure("RLE values of \(data.values.type.name)") }
            let length = Int(try cursor.littleEndianUInt32())
            var rle = try ParquetRLEDecoder(try cursor.take(length), bitWidth: 1)
            var bits: [UInt8] = []
            try rle.decode(count: count, maximum: 1, into: &bits)
            data.values.booleans.append(contentsOf: bits.lazy.map { $0 == 1 })
        case 5: try data.values.appendDeltaIntegers(&cursor, count: count)
        case 6: try data.values.appendDeltaLengthByteArrays(&cursor, count: count)
        case 7: try data.values.appendDeltaByteArrays(&cursor, count: count, limit: max(64 * pageBytes, 64 << 20))
        case 9: try data.values.appendByteStreamSplit(&cursor, count: count)
        default: throw ParquetFailure("values in \(ParquetNames.encoding(encoding)) are not supported")
        }
    }
}

/// Eight lower-case hexadecimal digits, as checksums are written.
private func hex8(_ v: UInt32) -> String {
    let digits = String(v, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}
