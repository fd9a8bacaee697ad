/// Rebuilds rows from decoded leaf columns (Dremel record assembly): walks the schema for each
/// row, reading each leaf's next entries as far as its repetition levels say the row goes.
/// Lists and repeated fields become JSON arrays, structs objects, maps objects keyed by the
/// key's text.
struct ParquetRowAssembler {
    /// Decoded chunks by leaf index; only the leaves being read are present.
    private var columns: [ParquetColumnChunkData?]
    private var entry: [Int]
    private var value: [Int]
    /// Bytes of the values read since the last reset, for `recordBytes`.
    var valueBytes = 0

    init(leafCount: Int) {
        columns = Array(repeating: nil, count: leafCount)
        entry = Array(repeating: 0, count: leafCount)
        value = Array(repeating: 0, count: leafCount)
    }

    mutating func set(_ data: ParquetColumnChunkData, for leaf: Int) {
        columns[leaf] = data
        entry[leaf] = 0
        value[leaf] = 0
    }

    mutating func clear() {
        for i in columns.indices { columns[i] = nil }
    }

    private func definition(_ leaf: Int, of node: ParquetSchemaNode) throws -> Int {
        guard let column = columns[leaf] else { throw ParquetFailure("column \(node.dottedPath) was not read") }
        guard entry[leaf] < column.entryCount else { throw ParquetFailure("column '\(node.dottedPath)' runs out of values") }
        return column.definitionLevels.isEmpty ? 0 : Int(column.definitionLevels[entry[leaf]])
    }

    /// Whether `leaf`'s next entry continues the current record at repetition level `level`.
    private func continues(_ leaf: Int, at level: Int) -> Bool {
        guard let column = columns[leaf], entry[leaf] < column.entryCount, !column.repetitionLevels.isEmpty else { return false }
        return Int(column.repetitionLevels[entry[leaf]]) == level
    }

    /// Checks that every leaf read stands at the start of the next row (or at its end), so
    /// levels that disagree between columns are found rather than misread.
    func checkRowEnd(_ fields: [ParquetSchemaNode]) throws {
        for field in fields {
            for leaf in field.leaves {
                guard let column = columns[leaf], entry[leaf] < column.entryCount, !column.repetitionLevels.isEmpty else { continue }
                guard column.repetitionLevels[entry[leaf]] == 0 else {
                    throw ParquetFailure("the levels of column '\(field.dottedPath)' do not line up at the end of a row")
                }
            }
        }
    }

    /// Skips the null or empty instance of `node` every leaf below it records with one entry.
    private mutating func skip(_ node: ParquetSchemaNode) {
        for leaf in node.leaves { entry[leaf] += 1 }
    }

    /// One instance of `node` as JSON.
    mutating func read(_ node: ParquetSchemaNode) throws -> JSONValue {
        if node.repetition == .repeated { return .array(try readRepeated(node) { try $0.readPresent($1) }) }
        if node.repetition == .optional, try definition(node.leafIndex, of: node) < node.definitionLevel {
            skip(node)
            return .null
        }
        return try readPresent(node)
    }

    /// `node`, known to be defined here, as JSON.
    private mutating func readPresent(_ node: ParquetSchemaNode) throws -> JSONValue {
        if node.isLeaf { return try readLeaf(node) }
        if let repeated = node.children.first, node.children.count == 1, repeated.repetition == .repeated {
            switch node.logicalType {
            case .list:
                // The modern three-level list (`list.element`), or a legacy two-level one whose
                // repeated node is the element itself.
                let isWrapper = !repeated.isLeaf && repeated.children.count == 1 && repeated.name != "array"
                    && repeated.name != node.name + "_tuple"
                return .array(try readRepeated(repeated) { assembler, entry in
                    isWrapper ? try assembler.read(entry.children[0]) : try assembler.readPresent(entry)
                })
            case .map where !repeated.isLeaf && (1...2).contains(repeated.children.count):
                var object = JSONObject()
                for pair in try readRepeated(repeated, { assembler, entry in
                    .array(try entry.children.map { try assembler.read($0) })
                }) {
                    guard case let .array(kv) = pair, let key = kv.first else { continue }
                    object[key.displayText] = kv.count > 1 ? kv[1] : .null
                }
                return .object(object)
            default: break
            }
        }
        var object = JSONObject()
        for child in node.children { object[child.name] = try read(child) }
        return .object(object)
    }

    /// The elements of repeated `node` in this record: none when its first leaf is not
    /// defined down to it, else one per entry until the repetition level leaves `node`.
    private mutating func readRepeated(_ node: ParquetSchemaNode,
                                       _ element: (inout ParquetRowAssembler, ParquetSchemaNode) throws -> JSONValue) throws -> [JSONValue] {
        let first = node.leafIndex
        if try definition(first, of: node) < node.definitionLevel {
            skip(node)
            return []
        }
        var items: [JSONValue] = []
        repeat {
            items.append(try element(&self, node))
        } while continues(first, at: node.repetitionLevel)
        return items
    }

    private mutating func readLeaf(_ node: ParquetSchemaNode) throws -> JSONValue {
        let leaf = node.leafIndex
        let defined = try definition(leaf, of: node) == node.definitionLevel
        entry[leaf] += 1
        guard defined else { return .null }
        guard let column = columns[leaf], value[leaf] < column.values.count else {
            throw ParquetFailure("column '\(node.dottedPath)' has fewer values than its levels say")
        }
        let i = value[leaf]
        value[leaf] += 1
        valueBytes += column.values.storedSize(i)
        return node.json(column.values, i)
    }

    /// The bytes of flat leaf `node`'s next value (nil when null), without making JSON: the
    /// fast path for a document's text.
    mutating func readBytes(_ node: ParquetSchemaNode) throws -> [UInt8]? {
        let leaf = node.leafIndex
        let defined = try definition(leaf, of: node) == node.definitionLevel
        entry[leaf] += 1
        guard defined else { return nil }
        guard let column = columns[leaf], value[leaf] < column.values.count else {
            throw ParquetFailure("column '\(node.dottedPath)' has fewer values than its levels say")
        }
        let range = column.values.bytes.range(value[leaf])
        value[leaf] += 1
        valueBytes += range.count
        return Array(column.values.bytes.data[range])
    }
}
