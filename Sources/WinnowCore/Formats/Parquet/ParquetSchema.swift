/// A Parquet schema as a tree, with each node's definition and repetition levels: the Dremel
/// numbers that say, for each value of a leaf column, how deep it is defined and at which
/// level of nesting it repeats.
final class ParquetSchemaNode: Sendable {
    let name: String
    let repetition: ParquetRepetition
    /// Nil for groups.
    let physicalType: ParquetPhysicalType?
    let typeLength: Int
    let logicalType: ParquetLogicalType?
    let children: [ParquetSchemaNode]
    /// The definition level at which this node is present (optional and repeated ancestors,
    /// itself included).
    let definitionLevel: Int
    /// The repetition level of this node (repeated ancestors, itself included).
    let repetitionLevel: Int
    /// For a leaf: its column's index among the leaves (the column chunk order); for a group:
    /// the range of its leaves.
    let leaves: Range<Int>
    /// Dotted path from the root's child, for messages and `columns:`.
    let path: [String]

    init(name: String, repetition: ParquetRepetition, physicalType: ParquetPhysicalType?, typeLength: Int,
         logicalType: ParquetLogicalType?, children: [ParquetSchemaNode], definitionLevel: Int, repetitionLevel: Int,
         leaves: Range<Int>, path: [String]) {
        self.name = name
        self.repetition = repetition
        self.physicalType = physicalType
        self.typeLength = typeLength
        self.logicalType = logicalType
        self.children = children
        self.definitionLevel = definitionLevel
        self.repetitionLevel = repetitionLevel
        self.leaves = leaves
        self.path = path
    }

    var isLeaf: Bool { physicalType != nil }
    var leafIndex: Int { leaves.lowerBound }
    var dottedPath: String { path.joined(separator: ".") }
}

struct ParquetSchema: Sendable {
    /// The root's children: the top-level columns.
    let fields: [ParquetSchemaNode]
    /// Every leaf, in column-chunk order.
    let leaves: [ParquetSchemaNode]

    /// Deepest nesting accepted: levels are kept in bytes, and no real schema comes close.
    static let maxLevel = 100

    /// Builds the tree from the footer's flattened, depth-first element list.
    init(elements: [ParquetSchemaElement]) throws {
        var position = 1
        var leaves: [ParquetSchemaNode] = []
        guard let root = elements.first else { throw ParquetFailure("the schema is empty") }
        func build(_ count: Int, definition: Int, repetition: Int, path: [String], depth: Int) throws -> [ParquetSchemaNode] {
            guard depth <= Self.maxLevel else { throw ParquetFailure("the schema nests deeper than \(Self.maxLevel)") }
            var nodes: [ParquetSchemaNode] = []
            for _ in 0..<count {
                guard position < elements.count else {
                    throw ParquetFailure("the schema's num_children promise more elements than the \(elements.count) it has")
                }
                let e = elements[position]
                position += 1
                let rep = e.repetition ?? .required
                let def = definition + (rep == .required ? 0 : 1)
                let repLevel = repetition + (rep == .repeated ? 1 : 0)
                guard def <= Self.maxLevel else { throw ParquetFailure("column \(path + [e.name]) nests deeper than \(Self.maxLevel)") }
                let logical = e.logicalType ?? e.convertedType.flatMap {
                    ParquetLogicalType(converted: $0, scale: e.scale, precision: e.precision)
                }
                let first = leaves.count
                if e.numChildren == 0 {
                    guard let type = e.type else { throw ParquetFailure("schema element '\(e.name)' has neither a type nor children") }
                    if type == .fixedLenByteArray, e.typeLength <= 0 {
                        throw ParquetFailure("column '\(e.name)' is FIXED_LEN_BYTE_ARRAY of length \(e.typeLength)")
                    }
                    let node = ParquetSchemaNode(name: e.name, repetition: rep, physicalType: type,
                                                 typeLength: type == .int96 ? 12 : e.typeLength, logicalType: logical,
                                                 children: [], definitionLevel: def, repetitionLevel: repLevel,
                                                 leaves: first..<first + 1, path: path + [e.name])
                    leaves.append(node)
                    nodes.append(node)
                } else {
                    let children = try build(e.numChildren, definition: def, repetition: repLevel, path: path + [e.name], depth: depth + 1)
                    nodes.append(ParquetSchemaNode(name: e.name, repetition: rep, physicalType: nil, typeLength: 0, logicalType: logical,
                                                   children: children, definitionLevel: def, repetitionLevel: repLevel,
                                                   leaves: first..<leaves.count, path: path + [e.name]))
                }
            }
            return nodes
        }
        fields = try build(root.numChildren, definition: 0, repetition: 0, path: [], depth: 0)
        guard position == elements.count else {
            throw ParquetFailure("the schema has \(elements.count - position) elements no group claims")
        }
        self.leaves = leaves
    }

    func field(named name: String) -> ParquetSchemaNode? { fields.first { $0.name == name } }
}

/// A problem inside a Parquet file, before the reader adds which file, row group, column and
/// page it was found in.
struct ParquetFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
