import WinnowCore

/// Size and documents per source, as phase 0 measures them.
struct SourceTally {
    struct Entry { var size = 0.0, documents = 0 }
    var entries: [String: Entry] = [:]

    mutating func add(_ source: String, size: Double) {
        entries[source, default: Entry()].size += size
        entries[source, default: Entry()].documents += 1
    }

    mutating func add(_ other: SourceTally) {
        for (name, entry) in other.entries {
            entries[name, default: Entry()].size += entry.size
            entries[name, default: Entry()].documents += entry.documents
        }
    }

    /// Returns the bytes written.
    func write(_ path: String) throws -> Int64 {
        let members = entries.sorted { $0.key < $1.key }.map { name, entry in
            JSONObject.Member(key: name, value: .array([JSONValue(entry.size), JSONValue(entry.documents)]))
        }
        let bytes = Array(JSONWriter.string(.object(JSONObject(members))).utf8)
        try writeFileAtomically(path, bytes)
        return Int64(bytes.count)
    }

    static func read(_ path: String) throws -> SourceTally {
        guard case let .object(o) = try readFile(path).withUnsafeBytes({ try JSONValue.parse($0) }) else {
            throw WinnowError.invalid("\(path): not a source tally")
        }
        var tally = SourceTally()
        for member in o {
            guard case let .array(pair) = member.value, pair.count == 2, let size = pair[0].doubleValue, let docs = pair[1].doubleValue else {
                throw WinnowError.invalid("\(path): source '\(member.key)' is not [size, documents]")
            }
            tally.entries[member.key] = Entry(size: size, documents: Int(docs))
        }
        return tally
    }
}

/// What phase 2 actually assigned, per source and phase: copies and their size, and the most
/// copies any one document got.
struct AssignedTally {
    struct Cell { var copies = 0, size = 0.0 }
    let phases: [String]
    var cells: [String: [Cell]] = [:]
    var documents: [String: Int] = [:]
    var maxCopies: [String: Int] = [:]

    init(phases: [String]) { self.phases = phases }

    mutating func add(source: String, copies: [Int], size: Double) {
        var row = cells[source] ?? [Cell](repeating: Cell(), count: phases.count)
        for phase in copies {
            row[phase].copies += 1
            row[phase].size += size
        }
        cells[source] = row
        documents[source, default: 0] += 1
        maxCopies[source] = max(maxCopies[source] ?? 0, copies.count)
    }

    mutating func add(_ other: AssignedTally) {
        for (source, row) in other.cells {
            var mine = cells[source] ?? [Cell](repeating: Cell(), count: phases.count)
            for p in row.indices {
                mine[p].copies += row[p].copies
                mine[p].size += row[p].size
            }
            cells[source] = mine
        }
        documents.merge(other.documents, uniquingKeysWith: +)
        maxCopies.merge(other.maxCopies, uniquingKeysWith: max)
    }

    func write(_ path: String) throws {
        let members = cells.sorted { $0.key < $1.key }.map { source, row in
            JSONObject.Member(key: source, value: .object(JSONObject([
                .init(key: "copies", value: .array(row.map { JSONValue($0.copies) })),
                .init(key: "size", value: .array(row.map { JSONValue($0.size) })),
                .init(key: "documents", value: JSONValue(documents[source] ?? 0)),
                .init(key: "max_copies", value: JSONValue(maxCopies[source] ?? 0)),
            ])))
        }
        try writeFileAtomically(path, Array(JSONWriter.string(.object(JSONObject(members))).utf8))
    }

    static func read(_ path: String, phases: [String]) throws -> AssignedTally {
        guard case let .object(o) = try readFile(path).withUnsafeBytes({ try JSONValue.parse($0) }) else {
            throw WinnowError.invalid("\(path): not an assignment tally")
        }
        var tally = AssignedTally(phases: phases)
        for member in o {
            guard case let .object(entry) = member.value, case let .array(copies)? = entry["copies"], case let .array(sizes)? = entry["size"],
                  copies.count == phases.count, sizes.count == phases.count else {
                throw WinnowError.invalid("\(path): source '\(member.key)' does not list one cell per phase")
            }
            tally.cells[member.key] = zip(copies, sizes).map { Cell(copies: Int($0.doubleValue ?? 0), size: $1.doubleValue ?? 0) }
            tally.documents[member.key] = Int(entry["documents"]?.doubleValue ?? 0)
            tally.maxCopies[member.key] = Int(entry["max_copies"]?.doubleValue ?? 0)
        }
        return tally
    }
}
