import WinnowCore

/// What a pack task wrote, per mix phase: packing counters, tokens spent on prefixes, and
/// documents and tokens by a metadata value (the domain), so the report can be set beside the
/// mix report. Tasks write theirs to `STEP/reports/`; the merge sums them into
/// `output/pack_report.json`.
public struct PackReport: Sendable, Equatable {
    public struct Tally: Sendable, Equatable {
        public var documents = 0
        public var tokens: Int64 = 0
        public init() {}
    }

    public struct Phase: Sendable, Equatable {
        public var packing = PackingCounters()
        /// Prefix and BOS tokens (loss-masked).
        public var prefixTokens: Int64 = 0
        public var documentsWithPrefix = 0
        public var byValue: [String: Tally] = [:]
        public init() {}
    }

    public var phases: [String: Phase] = [:]
    public var files: [String] = []

    public init() {}

    /// Counts one packed document, in place (no copy of the phase's tallies per document).
    public mutating func count(phase: String, value: String, tokens: Int, prefixTokens: Int, hasPrefix: Bool) {
        phases[phase, default: Phase()].prefixTokens += Int64(prefixTokens)
        if hasPrefix { phases[phase, default: Phase()].documentsWithPrefix += 1 }
        phases[phase, default: Phase()].byValue[value, default: Tally()].documents += 1
        phases[phase, default: Phase()].byValue[value, default: Tally()].tokens += Int64(tokens)
    }

    public mutating func add(_ other: PackReport) {
        for (name, phase) in other.phases {
            var mine = phases[name] ?? Phase()
            mine.packing.add(phase.packing)
            mine.prefixTokens += phase.prefixTokens
            mine.documentsWithPrefix += phase.documentsWithPrefix
            mine.byValue.merge(phase.byValue) { a, b in
                var sum = a
                sum.documents += b.documents
                sum.tokens += b.tokens
                return sum
            }
            phases[name] = mine
        }
        files += other.files
    }

    public var json: JSONValue {
        var totalTokens: Int64 = 0, totalPadding: Int64 = 0, totalDocuments = 0
        var phaseMembers: [JSONObject.Member] = []
        for (name, phase) in phases.sorted(by: { $0.key < $1.key }) {
            let p = phase.packing
            totalTokens += p.documentTokens
            totalPadding += p.paddingTokens
            totalDocuments += p.documents
            let values = phase.byValue.sorted { $0.key < $1.key }.map { key, tally in
                JSONObject.Member(key: key, value: .object(JSONObject([
                    .init(key: "documents", value: JSONValue(tally.documents)),
                    .init(key: "tokens", value: JSONValue(Int(tally.tokens))),
                ])))
            }
            let written = p.documentTokens + p.paddingTokens
            phaseMembers.append(.init(key: name, value: .object(JSONObject([
                .init(key: "documents", value: JSONValue(p.documents)),
                .init(key: "tokens", value: JSONValue(Int(p.documentTokens))),
                .init(key: "sequences", value: JSONValue(p.sequences)),
                .init(key: "padding_tokens", value: JSONValue(Int(p.paddingTokens))),
                .init(key: "padding_fraction", value: JSONValue(written == 0 ? 0 : Double(p.paddingTokens) / Double(written))),
                .init(key: "split_documents", value: JSONValue(p.splitDocuments)),
                .init(key: "prefix_tokens", value: JSONValue(Int(phase.prefixTokens))),
                .init(key: "documents_with_prefix", value: JSONValue(phase.documentsWithPrefix)),
                .init(key: "by_value", value: .object(JSONObject(values))),
            ]))))
        }
        return .object(JSONObject([
            .init(key: "documents", value: JSONValue(totalDocuments)),
            .init(key: "tokens", value: JSONValue(Int(totalTokens))),
            .init(key: "padding_tokens", value: JSONValue(Int(totalPadding))),
            .init(key: "phases", value: .object(JSONObject(phaseMembers))),
            .init(key: "files", value: .array(files.sorted().map { .string($0) })),
        ]))
    }

    public init(json: JSONValue) {
        guard case let .object(root) = json, case let .object(phaseObjects)? = root["phases"] else { return }
        func int(_ o: JSONObject, _ key: String) -> Int { Int(o[key]?.doubleValue ?? 0) }
        for member in phaseObjects {
            guard case let .object(o) = member.value else { continue }
            var phase = Phase()
            phase.packing.documents = int(o, "documents")
            phase.packing.documentTokens = Int64(int(o, "tokens"))
            phase.packing.sequences = int(o, "sequences")
            phase.packing.paddingTokens = Int64(int(o, "padding_tokens"))
            phase.packing.splitDocuments = int(o, "split_documents")
            phase.prefixTokens = Int64(int(o, "prefix_tokens"))
            phase.documentsWithPrefix = int(o, "documents_with_prefix")
            if case let .object(values)? = o["by_value"] {
                for value in values {
                    guard case let .object(t) = value.value else { continue }
                    var tally = Tally()
                    tally.documents = int(t, "documents")
                    tally.tokens = Int64(int(t, "tokens"))
                    phase.byValue[value.key] = tally
                }
            }
            phases[member.key] = phase
        }
        if case let .array(items)? = root["files"] { files = items.compactMap(\.stringValue) }
    }

    public static func read(_ path: String) throws -> PackReport {
        let bytes = try readFile(path)
        return PackReport(json: try bytes.withUnsafeBytes { try JSONValue.parse($0) })
    }

    public func write(_ path: String) throws {
        try writeFileAtomically(path, Array((JSONWriter.string(json) + "\n").utf8))
    }
}
