import WinnowCore

/// How documents become the sequences a shard holds (methods.md §7).
public enum PackingMode: String, Sendable, CaseIterable {
    /// One sequence per document, as Megatron's preprocess_data and datatrove write them; the
    /// trainer cuts windows itself.
    case documents
    /// Documents end to end, cut every `seq_len + 1` tokens; the last partial window of a task
    /// is padded (loss-masked) so no token is dropped.
    case concat
    /// Best-fit-decreasing bin packing (Ding et al. 2024): documents longer than a window are
    /// cut into window-sized chunks, and chunks are placed whole into the fullest window they
    /// fit; slack is padded and loss-masked.
    case bestFit = "best-fit"
}

/// What packing cost: tokens of padding added and documents cut across windows.
public struct PackingCounters: Sendable, Equatable {
    public var documents = 0
    /// Tokens of the documents (with BOS, prefix and EOS).
    public var documentTokens: Int64 = 0
    public var sequences = 0
    /// Pad tokens written (all with loss mask 0).
    public var paddingTokens: Int64 = 0
    /// Documents split across two or more sequences.
    public var splitDocuments = 0

    public init() {}

    public mutating func add(_ other: PackingCounters) {
        documents += other.documents
        documentTokens += other.documentTokens
        sequences += other.sequences
        paddingTokens += other.paddingTokens
        splitDocuments += other.splitDocuments
    }
}

/// Turns tokenized documents into sequences for a `TokenShardWriter`.
public final class Packer {
    public let mode: PackingMode
    /// Tokens per packed sequence (`seq_len + 1`, inputs plus the shifted label).
    public let window: Int
    public let padID: UInt32
    public let writer: TokenShardWriter
    /// Tokens held for best-fit packing before a round is packed and written.
    public let bestFitBuffer: Int
    public private(set) var counters = PackingCounters()

    private var ids: [UInt32] = []
    private var mask: [UInt8] = []
    /// Best-fit chunks waiting: ranges into `ids`/`mask`.
    private var chunks: [Range<Int>] = []

    public init(mode: PackingMode, window: Int, padID: UInt32, writer: TokenShardWriter, bestFitBuffer: Int = 1 << 20) {
        self.mode = mode
        self.window = window
        self.padID = padID
        self.writer = writer
        self.bestFitBuffer = max(bestFitBuffer, window)
    }

    public func add(ids document: [UInt32], mask documentMask: [UInt8]) throws {
        counters.documents += 1
        counters.documentTokens += Int64(document.count)
        switch mode {
        case .documents:
            try writer.append(document, mask: documentMask)
            counters.sequences += 1
        case .concat:
            let offset = ids.count % window
            if offset + document.count > window { counters.splitDocuments += 1 }
            ids += document
            mask += documentMask
            if ids.count >= window { try writeFullWindows() }
        case .bestFit:
            let start = ids.count
            ids += document
            mask += documentMask
            if document.count > window { counters.splitDocuments += 1 }
            var from = start
            while from < ids.count {
                let to = min(from + window, ids.count)
                chunks.append(from..<to)
                from = to
            }
            if ids.count >= bestFitBuffer { try packChunks() }
        }
    }

    /// Writes what is held: the padded last window (concat) or the last best-fit round.
    public func finish() throws {
        switch mode {
        case .documents: break
        case .concat:
            try writeFullWindows()
            if !ids.isEmpty {
                try writePadded(ids[...], mask[...])
                ids.removeAll()
                mask.removeAll()
            }
        case .bestFit: try packChunks()
        }
    }

    private func writeFullWindows() throws {
        var start = 0
        while ids.count - start >= window {
            try ids[start..<start + window].withUnsafeBufferPointer { i in
                try mask[start..<start + window].withUnsafeBufferPointer { try writer.append(i, mask: $0) }
            }
            counters.sequences += 1
            start += window
        }
        ids.removeFirst(start)
        mask.removeFirst(start)
    }

    private func writePadded(_ content: ArraySlice<UInt32>, _ contentMask: ArraySlice<UInt8>) throws {
        let pad = window - content.count
        try writer.append(Array(content) + [UInt32](repeating: padID, count: pad),
                          mask: Array(contentMask) + [UInt8](repeating: 0, count: pad))
        counters.paddingTokens += Int64(pad)
        counters.sequences += 1
    }

    /// Best-fit decreasing: longest chunk first, each into the open window with the least room
    /// that still holds it (found by scanning room sizes upward from the chunk's length), or a
    /// new window. Windows are written in the order they were opened.
    private func packChunks() throws {
        guard !chunks.isEmpty else { return }
        let order = chunks.indices.sorted { chunks[$0].count != chunks[$1].count ? chunks[$0].count > chunks[$1].count : $0 < $1 }
        var bins: [[Int]] = []
        var room: [Int] = []
        // Windows by their room: binsWithRoom[r] lists windows with exactly r tokens free.
        var binsWithRoom = [[Int]](repeating: [], count: window + 1)
        for chunk in order {
            let length = chunks[chunk].count
            var fit = length
            while fit <= window, binsWithRoom[fit].isEmpty { fit += 1 }
            let bin: Int
            if fit <= window {
                bin = binsWithRoom[fit].removeLast()
            } else {
                bin = bins.count
                bins.append([])
                room.append(window)
            }
            bins[bin].append(chunk)
            room[bin] -= length
            binsWithRoom[room[bin]].append(bin)
        }
        for bin in bins {
            var content: [UInt32] = []
            var contentMask: [UInt8] = []
            content.reserveCapacity(window)
            for chunk in bin {
                content += ids[chunks[chunk]]
                contentMask += mask[chunks[chunk]]
            }
            try writePadded(content[...], contentMask[...])
        }
        ids.removeAll(keepingCapacity: true)
        mask.removeAll(keepingCapacity: true)
        chunks.removeAll(keepingCapacity: true)
    }
}
