import WinnowCore

/// Every document's id and `keep:` priority in one shard, by line, written by phase 0 so that
/// clustering can weigh priorities and removal can name the kept document (`duplicate_of`)
/// without reading the corpus again. Lines that are not documents have an empty id.
///
/// Layout: lines (UInt32), has-priorities (UInt8), lines+1 id offsets (UInt32), the priorities
/// (Float64 each, if any), the ids' UTF-8.
struct DocumentTable {
    private var reader: BinaryReader
    let lines: Int
    private let hasPriorities: Bool
    private let offsetsAt: Int
    private let prioritiesAt: Int
    private let idsAt: Int

    init(path: String, writtenBy producer: PhaseTask) throws {
        reader = try SealedFile.read(path, writtenBy: producer)
        lines = Int(try reader.scalar(UInt32.self, "line count"))
        hasPriorities = try reader.uint8("priority flag") == 1
        offsetsAt = reader.offset
        prioritiesAt = offsetsAt + 4 * (lines + 1)
        idsAt = prioritiesAt + (hasPriorities ? 8 * lines : 0)
        guard reader.remaining >= idsAt - offsetsAt else { throw reader.error("document table is shorter than its line count") }
        // `id(line:)` slices the ids by these offsets: they must rise and stay inside the file.
        let idBytes = reader.remaining - (idsAt - offsetsAt)
        var previous: UInt32 = 0
        for k in 0...lines {
            let next = offset(k)
            guard next >= previous, Int(next) <= idBytes else {
                throw reader.error("document table id offset \(k) is \(next), after \(previous) and within \(idBytes) bytes of ids")
            }
            previous = next
        }
    }

    /// The id of the document on `line` (1-based).
    func id(line: Int) -> String {
        guard line >= 1, line <= lines else { return "" }
        let start = Int(offset(line - 1)), end = Int(offset(line))
        return String(decoding: UnsafeRawBufferPointer(rebasing: reader.bytes[(idsAt + start)..<(idsAt + end)]), as: UTF8.self)
    }

    func priority(line: Int) -> Double {
        guard hasPriorities, line >= 1, line <= lines else { return 0 }
        return Double(bitPattern: UInt64(littleEndian: reader.bytes.loadUnaligned(fromByteOffset: prioritiesAt + 8 * (line - 1), as: UInt64.self)))
    }

    private func offset(_ k: Int) -> UInt32 {
        UInt32(littleEndian: reader.bytes.loadUnaligned(fromByteOffset: offsetsAt + 4 * k, as: UInt32.self))
    }

    /// Collects one shard's table as its documents are read.
    struct Builder {
        private let withPriorities: Bool
        private var offsets: [UInt32] = [0]
        private var priorities: [Double] = []
        private var ids: [UInt8] = []

        init(withPriorities: Bool) { self.withPriorities = withPriorities }

        var lines: Int { offsets.count - 1 }

        mutating func add(line: Int, id: String, priority: Double) {
            while lines < line - 1 {
                offsets.append(UInt32(ids.count))
                if withPriorities { priorities.append(-.infinity) }
            }
            ids.append(contentsOf: id.utf8)
            offsets.append(UInt32(ids.count))
            if withPriorities { priorities.append(priority) }
        }

        func write(_ path: String) throws {
            var out = BinaryWriter()
            out.scalar(UInt32(lines))
            out.scalar(UInt8(withPriorities ? 1 : 0))
            for offset in offsets { out.scalar(offset) }
            for priority in priorities { out.float64(priority) }
            out.append(ids)
            try SealedFile.write(path, out.bytes)
        }
    }
}
