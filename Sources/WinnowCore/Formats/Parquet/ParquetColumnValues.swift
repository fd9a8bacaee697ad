/// Variable-length values (BYTE_ARRAY, and FIXED_LEN_BYTE_ARRAY and INT96 too) packed in one
/// buffer: value `i` is `data[start(i)..<ends[i]]`.
struct ParquetByteArrays {
    var data: [UInt8] = []
    var ends: [Int] = []

    var count: Int { ends.count }

    @inline(__always) func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        data.append(contentsOf: bytes)
        ends.append(data.count)
    }
}

/// The decoded non-null values of one column chunk, in the array its physical type calls for.
struct ParquetColumnValues {
    let type: ParquetPhysicalType
    /// FIXED_LEN_BYTE_ARRAY's length (12 for INT96).
    let typeLength: Int
    var booleans: [Bool] = []
    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    var bytes = ParquetByteArrays()

    init(type: ParquetPhysicalType, typeLength: Int) {
        self.type = type
        self.typeLength = typeLength
    }

    var count: Int {
        switch type {
        case .boolean: booleans.count
        case .int32: int32s.count
        case .int64: int64s.count
        case .float: floats.count
        case .double: doubles.count
        case .int96, .byteArray, .fixedLenByteArray: bytes.count
        }
    }

    /// Bytes of one value in the page's PLAIN form, for `recordBytes`.
    func storedSize(_ i: Int) -> Int {
        switch type {
        case .boolean: 1
        case .int32, .float: 4
        case .int64, .double: 8
        case .int96, .byteArray, .fixedLenByteArray: bytes.range(i).count
        }
    }

    /// Appends `count` PLAIN-encoded values from `cursor`.
    mutating func appendPlain(_ cursor: inout ParquetByteCursor, count: Int) throws {
        switch type {
        case .boolean:
            let packed = try cursor.take((count + 7) / 8)
            booleans.reserveCapacity(booleans.count + count)
            for i in 0..<count { booleans.append(packed[i >> 3] >> UInt8(i & 7) & 1 == 1) }
        case .int32: Self.appendFixed(try cursor.take(try Self.size(count, 4)), to: &int32s)
        case .int64: Self.appendFixed(try cursor.take(try Self.size(count, 8)), to: &int64s)
        case .float: Self.appendFixed(try cursor.take(try Self.size(count, 4)), to: &floats)
        case .double: Self.appendFixed(try cursor.take(try Self.size(count, 8)), to: &doubles)
        case .int96, .fixedLenByteArray:
            let raw = try cursor.take(try Self.size(count, typeLength))
            appendFixedWidth(raw, count: count)
        case .byteArray:
            bytes.ends.reserveCapacity(bytes.ends.count + count)
            for _ in 0..<count {
                let length = Int(try cursor.littleEndianUInt32())
                bytes.append(try cursor.take(length))
            }
        }
    }

    /// Appends `count` values of `typeLength` bytes each laid end to end.
    mutating func appendFixedWidth(_ raw: UnsafeRawBufferPointer, count: Int) {
        bytes.data.append(contentsOf: raw)
        var end = bytes.data.count - raw.count
        bytes.ends.reserveCapacity(bytes.ends.count + count)
        for _ in 0..<count {
            end += typeLength
            bytes.ends.append(end)
        }
    }

    /// `count * width`, refused when it cannot be a size.
    static func size(_ count: Int, _ width: Int) throws -> Int {
        let (product, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw ParquetFailure("\(count) values of \(width) bytes overflow") }
        return product
    }

    private static func appendFixed<T>(_ raw: UnsafeRawBufferPointer, to array: inout [T]) {
        let n = raw.count / MemoryLayout<T>.stride
        array.reserveCapacity(array.count + n)
        for i in 0..<n { array.append(raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: T.self)) }
    }

    /// Appends dictionary entries for `indices`, each checked against the dictionary's size.
    mutating func appendFromDictionary(_ dictionary: ParquetColumnValues, indices: [UInt32]) throws {
        let size = dictionary.count
        for index in indices where Int(index) >= size {
            throw ParquetFailure("dictionary index \(index) is out of range (the dictionary has \(size) entries)")
        }
        switch type {
        case .boolean: booleans.append(contentsOf: indices.lazy.map { dictionary.booleans[Int($0)] })
        case .int32: int32s.append(contentsOf: indices.lazy.map { dictionary.int32s[Int($0)] })
        case .int64: int64s.append(contentsOf: indices.lazy.map { dictionary.int64s[Int($0)] })
        case .float: floats.append(contentsOf: indices.lazy.map { dictionary.floats[Int($0)] })
        case .double: doubles.append(contentsOf: indices.lazy.map { dictionary.doubles[Int($0)] })
        case .int96, .byteArray, .fixedLenByteArray:
            bytes.ends.reserveCapacity(bytes.ends.count + indices.count)
            dictionary.bytes.data.withUnsafeBytes { data in
                for index in indices { bytes.append(UnsafeRawBufferPointer(rebasing: data[dictionary.bytes.range(Int(index))])) }
            }
        }
    }

    /// Appends `count` BYTE_STREAM_SPLIT values: byte k of value i is at `k * count + i`.
    mutating func appendByteStreamSplit(_ cursor: inout ParquetByteCursor, count: Int) throws {
        let width: Int
        switch type {
        case .int32, .float: width = 4
        case .int64, .double: width = 8
        case .fixedLenByteArray: width = typeLength
        default: throw ParquetFailure("BYTE_STREAM_SPLIT does not apply to \(type.name)")
        }
        let raw = try cursor.take(try Self.size(count, width))
        var joined = [UInt8](repeating: 0, count: raw.count)
        for i in 0..<count {
            for k in 0..<width { joined[i * width + k] = raw[k * count + i] }
        }
        try joined.withUnsafeBytes { bytes in
            var inner = ParquetByteCursor(bytes)
            try appendPlain(&inner, count: count)
        }
    }

    /// Appends values decoded from a DELTA_BINARY_PACKED run (INT32 and INT64 only).
    mutating func appendDeltaIntegers(_ cursor: inout ParquetByteCursor, count: Int) throws {
        let values = try ParquetDeltaDecoder.decode(&cursor, limit: count)
        guard values.count == count else { throw ParquetFailure("the delta run holds \(values.count) values, not \(count)") }
        switch type {
        case .int32: int32s.append(contentsOf: values.lazy.map { Int32(truncatingIfNeeded: $0) })
        case .int64: int64s.append(contentsOf: values)
        default: throw ParquetFailure("DELTA_BINARY_PACKED does not apply to \(type.name)")
        }
    }

    /// Appends DELTA_LENGTH_BYTE_ARRAY values: the lengths delta-encoded, then the bytes.
    mutating func appendDeltaLengthByteArrays(_ cursor: inout ParquetByteCursor, count: Int) throws {
        guard type == .byteArray else { throw ParquetFailure("DELTA_LENGTH_BYTE_ARRAY does not apply to \(type.name)") }
        let lengths = try ParquetDeltaDecoder.decode(&cursor, limit: count)
        guard lengths.count == count else { throw ParquetFailure("the length run holds \(lengths.count) values, not \(count)") }
        bytes.ends.reserveCapacity(bytes.ends.count + count)
        for length in lengths {
            guard length >= 0, length <= Int64(cursor.remaining) else {
                throw ParquetFailure("a value of \(length) bytes where \(cursor.remaining) remain")
            }
            bytes.append(try cursor.take(Int(length)))
        }
    }

    /// Appends DELTA_BYTE_ARRAY values: each shares a prefix with the one before it, then adds
    /// its suffix. `limit` bounds the bytes it may produce (prefixes can multiply a page's size).
    mutating func appendDeltaByteArrays(_ cursor: inout ParquetByteCursor, count: Int, limit: Int) throws {
        guard type == .byteArray || type == .fixedLenByteArray else {
            throw ParquetFailure("DELTA_BYTE_ARRAY does not apply to \(type.name)")
        }
        let prefixes = try ParquetDeltaDecoder.decode(&cursor, limit: count)
        var suffixes = ParquetColumnValues(type: .byteArray, typeLength: 0)
        try suffixes.appendDeltaLengthByteArrays(&cursor, count: prefixes.count)
        guard prefixes.count == count else { throw ParquetFailure("the prefix run holds \(prefixes.count) values, not \(count)") }
        var previous: [UInt8] = []
        var produced = 0
        for i in 0..<count {
            let prefix = prefixes[i]
            guard prefix >= 0, prefix <= Int64(previous.count) else {
                throw ParquetFailure("value \(i) shares \(prefix) bytes with a value of \(previous.count)")
            }
            previous.removeLast(previous.count - Int(prefix))
            previous.append(contentsOf: suffixes.bytes.data[suffixes.bytes.range(i)])
            produced += previous.count
            guard produced <= limit else { throw ParquetFailure("DELTA_BYTE_ARRAY values grow past \(limit) bytes") }
            if type == .fixedLenByteArray, previous.count != typeLength {
                throw ParquetFailure("value \(i) has \(previous.count) bytes, not \(typeLength)")
            }
            previous.withUnsafeBytes { bytes.append($0) }
        }
    }
}
