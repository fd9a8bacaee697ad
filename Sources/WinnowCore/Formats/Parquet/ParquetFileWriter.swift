/// How a Parquet file is written: its codec and the sizes of its row groups and pages.
public struct ParquetWriteOptions: Sendable, Equatable {
    /// When a row group is closed: after so many rows, or once its values (uncompressed, as
    /// PLAIN would write them) reach so many bytes.
    public enum RowGroupSize: Sendable, Equatable {
        case rows(Int)
        case bytes(Int)
    }

    public var codec: ParquetCodec
    /// zstd's level for zstd, zlib's (1–9) for gzip.
    public var level: Int32
    public var rowGroupSize: RowGroupSize
    /// Uncompressed bytes of values after which a data page is closed, at the next multiple of
    /// `writeBatchSize` values, as parquet-cpp checks it (after each batch): text pages then
    /// hold a few megabytes, which zstd compresses about 15% smaller than 1 MB pages. A page
    /// closes in any case at `16 * pageSize` bytes or 20,000 values.
    public var pageSize: Int
    /// Values between checks of the page size (parquet-cpp's `write_batch_size`).
    public var writeBatchSize: Int
    /// Bytes of a column chunk's dictionary beyond which the chunk falls back to PLAIN
    /// (parquet-cpp's `dictionary_pagesize_limit`); 0 writes no dictionaries.
    public var dictionaryLimit: Int
    /// Data pages v1 (what pyarrow writes by default, read everywhere) or v2.
    public var pageVersion: Int

    public static let defaultRowGroupSize = RowGroupSize.bytes(128 << 20)

    public init(codec: ParquetCodec = .zstd, level: Int32 = 3, rowGroupSize: RowGroupSize = defaultRowGroupSize,
                pageSize: Int = 1 << 20, writeBatchSize: Int = 1024, dictionaryLimit: Int = 1 << 20, pageVersion: Int = 1) {
        self.codec = codec
        self.level = level
        self.rowGroupSize = rowGroupSize
        self.pageSize = pageSize
        self.writeBatchSize = writeBatchSize
        self.dictionaryLimit = dictionaryLimit
        self.pageVersion = pageVersion
    }
}

/// Writes a Parquet file of flat columns row by row, atomically: bytes go to a temporary name
/// (`AtomicFile`) and only `finish()` writes the footer and renames the file into place, so a
/// killed task never leaves a file that looks complete. A row group is held (its pages
/// compressed) until it is full, then written out column chunk after column chunk.
///
///     let file = try ParquetFileWriter(path: p, columns: specs, options: o)
///     try file.column(0).append(bytes: …); …; try file.endRow(valueBytes: n)
///     try file.finish()
public final class ParquetFileWriter {
    public let path: String
    public let columns: [ParquetColumnSpec]
    private let options: ParquetWriteOptions
    private let file: AtomicFile
    private let writers: [ParquetColumnWriter]
    private var rowGroups: [WrittenRowGroup] = []
    private var groupRows = 0
    private var groupBytes = 0
    private static let magic = Array("PAR1".utf8)
    static let createdBy = "winnow"

    public init(path: String, columns: [ParquetColumnSpec], options: ParquetWriteOptions) throws {
        self.path = path
        self.columns = columns
        self.options = options
        file = try AtomicFile(path: path)
        writers = try columns.map {
            ParquetColumnWriter(spec: $0, compressor: try ParquetPageCompressor(codec: options.codec, level: options.level),
                                path: path, options: options)
        }
        try ParquetFileWriter.magic.withUnsafeBytes { try file.append($0) }
    }

    /// The writer of column `index` (in `columns` order), for the current row's value.
    func column(_ index: Int) -> ParquetColumnWriter { writers[index] }

    /// Ends a row whose values (every column given one, or a null) took `valueBytes`.
    func endRow(valueBytes: Int) throws {
        groupRows += 1
        groupBytes += valueBytes
        switch options.rowGroupSize {
        case let .rows(limit) where groupRows >= limit: try flushRowGroup()
        case let .bytes(limit) where groupBytes >= limit: try flushRowGroup()
        default: break
        }
    }

    /// Writes the last row group and the footer, syncs the file and renames it into place.
    public func finish() throws {
        try flushRowGroup()
        let footer = ParquetFooter.encode(columns: columns, rowGroups: rowGroups, createdBy: ParquetFileWriter.createdBy)
        try footer.withUnsafeBytes { try file.append($0) }
        try file.append(UInt32(footer.count))
        try ParquetFileWriter.magic.withUnsafeBytes { try file.append($0) }
        try file.commit()
    }

    private func flushRowGroup() throws {
        guard groupRows > 0 else { return }
        let start = file.size
        var chunks: [WrittenColumnChunk] = []
        for writer in writers { chunks.append(try writer.finishChunk(into: file)) }
        rowGroups.append(WrittenRowGroup(columns: chunks, numRows: Int64(groupRows), fileOffset: start))
        groupRows = 0
        groupBytes = 0
    }
}
