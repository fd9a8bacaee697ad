/// Buffers one column's values for the current row group and turns them into pages: data pages
/// (v1 or v2) of about `pageSize` bytes, compressed one by one as they fill, so a row group is held
/// compressed. A BYTE_ARRAY column starts dictionary-encoded and falls back to PLAIN for the
/// rest of the chunk once its dictionary passes `dictionaryLimit` bytes, as parquet-cpp (and
/// so pyarrow) does: low-cardinality columns (language, dump, domain) shrink to a few bits a
/// row, and a column of distinct texts pays for its first megabyte only.
final class ParquetColumnWriter {
    let spec: ParquetColumnSpec
    private let compressor: ParquetPageCompressor
    private let path: String
    private let pageSize: Int
    private let dictionaryLimit: Int
    /// Data page version: 1 (DataPageHeader) or 2 (DataPageHeaderV2).
    private let pageVersion: Int

    /// The chunk's data pages so far (headers and compressed bodies), and their uncompressed size.
    private var dataPages: [UInt8] = []
    private var dataPagesUncompressed: Int64 = 0
    private var usedPlain = false
    private var usedDictionary = false
    /// The current page: definition levels (optional columns), then PLAIN values or dictionary
    /// indices.
    private var levels: [UInt32] = []
    private var plain: [UInt8] = []
    private var indices: [UInt32] = []
    private var pageValues = 0
    private var chunkValues: Int64 = 0
    /// The dictionary of this chunk while it is dictionary-encoded, or frozen after the fallback.
    private var dictionary: ByteKeyTable?
    private var dictionaryFrozen = false
    /// Bits of pending booleans (PLAIN booleans are bit-packed).
    private var booleanBits = 0

    init(spec: ParquetColumnSpec, compressor: ParquetPageCompressor, path: String, pageSize: Int, dictionaryLimit: Int, pageVersion: Int) {
        self.spec = spec
        self.compressor = compressor
        self.path = path
        self.pageSize = pageSize
        self.dictionaryLimit = dictionaryLimit
        self.pageVersion = pageVersion
        startChunk()
    }

    func appendNull() throws {
        precondition(spec.optional, "a null in the required column \(spec.name)")
        levels.append(0)
        try valueAdded()
    }

    func append(bytes value: UnsafeBufferPointer<UInt8>) throws {
        defined()
        var dictionaryFull = false
        if dictionary != nil, !dictionaryFrozen {
            let (entry, inserted) = dictionary!.insert(value, hash: ByteKeyTable.hash(value))
            indices.append(UInt32(entry))
            dictionaryFull = inserted && dictionary!.arena.count + 4 * dictionary!.count > dictionaryLimit
        } else {
            appendLength(value.count)
            plain.append(contentsOf: value)
        }
        try valueAdded()
        if dictionaryFull { try fallBackToPlain() }
    }

    func append(int64 value: Int64) throws {
        defined()
        withUnsafeBytes(of: value.littleEndian) { plain.append(contentsOf: $0) }
        try valueAdded()
    }

    func append(double value: Double) throws {
        defined()
        withUnsafeBytes(of: value.bitPattern.littleEndian) { plain.append(contentsOf: $0) }
        try valueAdded()
    }

    func append(bool value: Bool) throws {
        defined()
        if booleanBits % 8 == 0 { plain.append(0) }
        if value { plain[plain.count - 1] |= 1 << UInt8(booleanBits % 8) }
        booleanBits += 1
        try valueAdded()
    }

    /// Closes the chunk: its bytes (dictionary page first, then the data pages) and what the
    /// footer records about it, given the file offset it will be written at.
    func finishChunk(at offset: Int64) throws -> (bytes: [UInt8], chunk: WrittenColumnChunk) {
        if pageValues > 0 { try closePage() }
        var bytes: [UInt8] = []
        var uncompressed = dataPagesUncompressed
        var dictionaryOffset: Int64?
        if let dictionary, usedDictionary {
            var page: [UInt8] = []
            page.reserveCapacity(dictionary.arena.count + 4 * dictionary.count)
            for entry in 0..<dictionary.count {
                let value = dictionary.key(entry)
                withUnsafeBytes(of: UInt32(value.count).littleEndian) { page.append(contentsOf: $0) }
                page.append(contentsOf: value)
            }
            let body = try compressor.compress(page, path: path)
            let header = ParquetPageHeader.dictionaryPage(uncompressed: page.count, compressed: body.count, values: dictionary.count)
            bytes = header + body
            uncompressed += Int64(header.count + page.count)
            dictionaryOffset = offset
        }
        // As parquet-cpp lists them: the dictionary page's and PLAIN pages' encoding, the levels', the indices'.
        var encodings: [ParquetEncoding] = usedDictionary || usedPlain ? [.plain, .rle] : [.rle]
        if usedDictionary { encodings.append(.rleDictionary) }
        let dataOffset = offset + Int64(bytes.count)
        bytes.append(contentsOf: dataPages)
        let chunk = WrittenColumnChunk(spec: spec, codec: compressor.codec, encodings: encodings, numValues: chunkValues,
                                       uncompressedSize: uncompressed, compressedSize: Int64(bytes.count),
                                       dictionaryPageOffset: dictionaryOffset, dataPageOffset: dataOffset)
        startChunk()
        return (bytes, chunk)
    }

    private func startChunk() {
        dataPages = []
        dataPagesUncompressed = 0
        usedPlain = false
        usedDictionary = false
        chunkValues = 0
        dictionary = spec.physical == .byteArray && dictionaryLimit > 0 ? ByteKeyTable(capacity: 256) : nil
        dictionaryFrozen = false
    }

    private func defined() {
        if spec.optional { levels.append(1) }
    }

    private func appendLength(_ count: Int) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian) { plain.append(contentsOf: $0) }
    }

    private func valueAdded() throws {
        pageValues += 1
        chunkValues += 1
        if plain.count >= pageSize || indices.count >= pageSize / 4 { try closePage() }
    }

    /// The dictionary passed its limit: the page of indices so far is closed, and the rest of
    /// the chunk is PLAIN; the dictionary is kept as it is for the pages already written.
    private func fallBackToPlain() throws {
        try closePage()
        dictionaryFrozen = true
    }

    private func closePage() throws {
        guard pageValues > 0 else { return }
        var levelBytes: [UInt8] = []
        if spec.optional { levels.withUnsafeBufferPointer { ParquetRLEEncoder.encode($0, bitWidth: 1, into: &levelBytes) } }
        var values: [UInt8] = []
        let encoding: ParquetEncoding
        if let dictionary, !indices.isEmpty || (!dictionaryFrozen && dictionary.count > 0) {
            let width = ParquetRLEEncoder.bitWidth(forMaximum: dictionary.count - 1)
            values.append(UInt8(width))
            indices.withUnsafeBufferPointer { ParquetRLEEncoder.encode($0, bitWidth: width, into: &values) }
            encoding = .rleDictionary
            usedDictionary = true
        } else {
            swap(&values, &plain)
            encoding = .plain
            usedPlain = true
        }
        let uncompressed = levelBytes.count + values.count + (spec.optional && pageVersion == 1 ? 4 : 0)
        guard uncompressed <= Int(Int32.max) else {
            throw WinnowError.invalid("\(path): column \(spec.name) has a page of \(uncompressed) bytes, over Parquet's 2 GB page limit")
        }
        let header: [UInt8], body: [UInt8]
        if pageVersion == 2 {
            // v2: the levels stay uncompressed, without a length prefix (the header has it).
            body = levelBytes + (try compressor.compress(values, path: path))
            header = ParquetPageHeader.dataPageV2(uncompressed: uncompressed, compressed: body.count, values: pageValues,
                                                  nulls: levels.count(where: { $0 == 0 }), encoding: encoding, levelBytes: levelBytes.count,
                                                  isCompressed: compressor.codec != .uncompressed)
        } else {
            var page: [UInt8] = []
            page.reserveCapacity(uncompressed)
            if spec.optional {
                withUnsafeBytes(of: UInt32(levelBytes.count).littleEndian) { page.append(contentsOf: $0) }
                page.append(contentsOf: levelBytes)
            }
            page.append(contentsOf: values)
            body = try compressor.compress(page, path: path)
            header = ParquetPageHeader.dataPage(uncompressed: uncompressed, compressed: body.count, values: pageValues, encoding: encoding)
        }
        dataPages.append(contentsOf: header)
        dataPages.append(contentsOf: body)
        dataPagesUncompressed += Int64(header.count + uncompressed)
        levels.removeAll(keepingCapacity: true)
        swap(&values, &plain) // keeps the buffer's capacity for the next page
        plain.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        pageValues = 0
        booleanBits = 0
    }
}
