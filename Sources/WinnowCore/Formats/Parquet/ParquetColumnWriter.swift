/// Buffers one column's values for the current row group and turns them into pages: data pages
/// (v1 or v2) of `pageSize` bytes or more (see `ParquetWriteOptions.pageSize`), compressed one
/// by one as they fill, so a row group is held compressed. A BYTE_ARRAY column starts dictionary-encoded and falls back to PLAIN for the
/// rest of the chunk once its dictionary passes `dictionaryLimit` bytes, as parquet-cpp (and
/// so pyarrow) does: low-cardinality columns (language, dump, domain) shrink to a few bits a
/// row, and a column of distinct texts pays for its first megabyte only.
final class ParquetColumnWriter {
    let spec: ParquetColumnSpec
    private let compressor: ParquetPageCompressor
    private let path: String
    private let pageSize: Int
    private let writeBatchSize: Int
    private let dictionaryLimit: Int
    /// Data page version: 1 (DataPageHeader) or 2 (DataPageHeaderV2).
    private let pageVersion: Int

    /// The chunk's data pages so far (headers and compressed bodies), and their uncompressed size.
    private var dataPages: [UInt8] = []
    private var dataPagesUncompressed: Int64 = 0
    private var usedPlain = false
    private var usedDictionary = false
    /// Buffers reused from page to page: encoded levels, encoded indices, a page put together.
    private var levelBytes: [UInt8] = []
    private var encodedIndices: [UInt8] = []
    private var pageBuffer: [UInt8] = []
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
    /// Values after which a page is closed whatever its size (parquet-cpp's default row limit),
    /// so a column of nulls or tiny values does not make one page of a whole row group.
    static let maxPageValues = 20_000

    init(spec: ParquetColumnSpec, compressor: ParquetPageCompressor, path: String, options: ParquetWriteOptions) {
        self.spec = spec
        self.compressor = compressor
        self.path = path
        pageSize = options.pageSize
        writeBatchSize = max(1, options.writeBatchSize)
        dictionaryLimit = options.dictionaryLimit
        pageVersion = options.pageVersion
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

    /// Closes the chunk and appends it to `file` (dictionary page first, then the data pages);
    /// returns what the footer records about it.
    func finishChunk(into file: AtomicFile) throws -> WrittenColumnChunk {
        if pageValues > 0 { try closePage() }
        let start = file.size
        var uncompressed = dataPagesUncompressed
        var dictionaryOffset: Int64?
        if let dictionary, usedDictionary {
            pageBuffer.removeAll(keepingCapacity: true)
            for entry in 0..<dictionary.count {
                let value = dictionary.key(entry)
                withUnsafeBytes(of: UInt32(value.count).littleEndian) { pageBuffer.append(contentsOf: $0) }
                pageBuffer.append(contentsOf: value)
            }
            try pageBuffer.withUnsafeBytes { page in
                let body = try compressor.compress(page, path: path)
                let header = WrittenPageHeader.dictionaryPage(uncompressed: page.count, compressed: body.count, values: dictionary.count)
                try header.withUnsafeBytes { try file.append($0) }
                try file.append(body)
                uncompressed += Int64(header.count + page.count)
            }
            dictionaryOffset = start
        }
        // As parquet-cpp lists them: the dictionary page's and PLAIN pages' encoding, the levels', the indices'.
        var encodings: [ParquetEncoding] = usedDictionary || usedPlain ? [.plain, .rle] : [.rle]
        if usedDictionary { encodings.append(.rleDictionary) }
        let dataOffset = file.size
        try dataPages.withUnsafeBytes { try file.append($0) }
        let chunk = WrittenColumnChunk(spec: spec, codec: compressor.codec, encodings: encodings, numValues: chunkValues,
                                       uncompressedSize: uncompressed, compressedSize: file.size - start,
                                       dictionaryPageOffset: dictionaryOffset, dataPageOffset: dataOffset)
        startChunk()
        return chunk
    }

    private func startChunk() {
        dataPages.removeAll(keepingCapacity: true)
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
        let bytes = max(plain.count, indices.count * 4)
        if bytes >= pageSize && chunkValues % Int64(writeBatchSize) == 0 || bytes >= 16 * pageSize || pageValues >= Self.maxPageValues {
            try closePage()
        }
    }

    /// The dictionary passed its limit: the page of indices so far is closed, and the rest of
    /// the chunk is PLAIN; the dictionary is kept as it is for the pages already written.
    private func fallBackToPlain() throws {
        try closePage()
        dictionaryFrozen = true
    }

    private func closePage() throws {
        guard pageValues > 0 else { return }
        levelBytes.removeAll(keepingCapacity: true)
        if spec.optional { levels.withUnsafeBufferPointer { ParquetRLEEncoder.encode($0, bitWidth: 1, into: &levelBytes) } }
        // The values: PLAIN in `plain`, or dictionary indices encoded into `encodedIndices`.
        let encoding: ParquetEncoding
        if let dictionary, !indices.isEmpty || (!dictionaryFrozen && dictionary.count > 0) {
            let width = ParquetRLEEncoder.bitWidth(forMaximum: dictionary.count - 1)
            encodedIndices.removeAll(keepingCapacity: true)
            encodedIndices.append(UInt8(width))
            indices.withUnsafeBufferPointer { ParquetRLEEncoder.encode($0, bitWidth: width, into: &encodedIndices) }
            encoding = .rleDictionary
            usedDictionary = true
        } else {
            encoding = .plain
            usedPlain = true
        }
        let valueCount = encoding == .plain ? plain.count : encodedIndices.count
        let v1Prefix = spec.optional && pageVersion == 1 ? 4 : 0
        let uncompressed = v1Prefix + levelBytes.count + valueCount
        guard uncompressed <= Int(Int32.max) else {
            throw WinnowError.invalid("\(path): column \(spec.name) has a page of \(uncompressed) bytes, over Parquet's 2 GB page limit")
        }
        let nulls = pageVersion == 2 ? levels.count(where: { $0 == 0 }) : 0
        try (encoding == .plain ? plain : encodedIndices).withUnsafeBytes { values in
            if pageVersion == 2 {
                // v2: the levels stay uncompressed, without a length prefix (the header has it).
                let body = try compressor.compress(values, path: path)
                let header = WrittenPageHeader.dataPageV2(uncompressed: uncompressed, compressed: levelBytes.count + body.count,
                                                          values: pageValues, nulls: nulls, encoding: encoding,
                                                          levelBytes: levelBytes.count, isCompressed: compressor.codec != .uncompressed)
                dataPages.append(contentsOf: header)
                dataPages.append(contentsOf: levelBytes)
                dataPages.append(contentsOf: body)
                dataPagesUncompressed += Int64(header.count + uncompressed)
                return
            }
            guard spec.optional else { return try appendPageV1(values, uncompressed: uncompressed, encoding: encoding) }
            pageBuffer.removeAll(keepingCapacity: true)
            withUnsafeBytes(of: UInt32(levelBytes.count).littleEndian) { pageBuffer.append(contentsOf: $0) }
            pageBuffer.append(contentsOf: levelBytes)
            pageBuffer.append(contentsOf: values)
            try pageBuffer.withUnsafeBytes { try appendPageV1($0, uncompressed: uncompressed, encoding: encoding) }
        }
        levels.removeAll(keepingCapacity: true)
        plain.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        pageValues = 0
        booleanBits = 0
    }

    private func appendPageV1(_ page: UnsafeRawBufferPointer, uncompressed: Int, encoding: ParquetEncoding) throws {
        let body = try compressor.compress(page, path: path)
        let header = WrittenPageHeader.dataPage(uncompressed: uncompressed, compressed: body.count, values: pageValues, encoding: encoding)
        dataPages.append(contentsOf: header)
        dataPages.append(contentsOf: body)
        dataPagesUncompressed += Int64(header.count + uncompressed)
    }
}
