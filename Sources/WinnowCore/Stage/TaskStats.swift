/// The counters of one task, kept by the read loop (`TaskReader`) so that they mean the same in
/// every step. They always add up: `docsIn == docsKept + docsRejected + docsSkipped`, where
/// invalid lines count as documents read and rejected (blank lines are not documents).
public struct TaskStats: Sendable, Equatable {
    public var docsIn = 0
    /// Passed on: to the step's output, or to a later phase of the step.
    public var docsKept = 0
    /// Written to `rejected/` (or, for a corpus read outside a pipeline, counted only).
    public var docsRejected = 0
    /// Read and by design passed nothing on, nothing lost: a sampler's leftovers, or a
    /// measuring pass's invalid lines that a later phase of the step rejects.
    public var docsSkipped = 0
    /// Lines that were not documents (also counted in `docsRejected` under "reader: …").
    public var invalidLines = 0
    public var blankLines = 0
    /// Skipped documents by reason.
    public var skippedBy: [String: Int] = [:]
    /// What a task made besides documents ("sources": 4, "files": 1, "tokens": …): what a phase
    /// that reads no documents reports instead.
    public var made: [String: Int64] = [:]
    /// Seconds spent in each filter rule (by its label), as datatrove's filters time theirs.
    public var ruleSeconds: [String: Double] = [:]
    /// Uncompressed bytes read (JSON lines with their newline) and written (kept documents).
    public var bytesIn: Int64 = 0
    public var bytesOut: Int64 = 0
    /// Characters of text read and kept.
    public var charsIn: Int64 = 0
    public var charsKept: Int64 = 0
    /// Rejections by "rule: reason".
    public var rejectedBy: [String: Int] = [:]
    /// Characters of text rejected, by "rule: reason".
    public var rejectedChars: [String: Int64] = [:]
    /// Rejections by "rule: reason", then by the document's `language=…` and `domain=…` metadata.
    public var rejectedByGroup: [String: [String: Int]] = [:]
    public var seconds: Double = 0
    /// The largest resident memory of a task (bytes): what a step's `memory:` must allow.
    /// Summed stats keep the largest.
    public var peakMemory: Int64 = 0

    public init() {}

    /// Counts a document read and skipped for `reason`.
    public mutating func skip(_ reason: String) {
        docsSkipped += 1
        skippedBy[reason, default: 0] += 1
    }

    public mutating func add(_ other: TaskStats) {
        docsIn += other.docsIn
        docsKept += other.docsKept
        docsRejected += other.docsRejected
        docsSkipped += other.docsSkipped
        skippedBy.merge(other.skippedBy, uniquingKeysWith: +)
        made.merge(other.made, uniquingKeysWith: +)
        ruleSeconds.merge(other.ruleSeconds, uniquingKeysWith: +)
        invalidLines += other.invalidLines
        blankLines += other.blankLines
        bytesIn += other.bytesIn
        bytesOut += other.bytesOut
        charsIn += other.charsIn
        charsKept += other.charsKept
        rejectedBy.merge(other.rejectedBy, uniquingKeysWith: +)
        rejectedChars.merge(other.rejectedChars, uniquingKeysWith: +)
        rejectedByGroup.merge(other.rejectedByGroup) { $0.merging($1, uniquingKeysWith: +) }
        seconds += other.seconds
        peakMemory = max(peakMemory, other.peakMemory)
    }

    public var json: JSONValue {
        func counts<V>(_ values: [String: V], _ make: (V) -> JSONValue) -> JSONValue {
            .object(JSONObject(values.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: make($0.value)) }))
        }
        return .object(JSONObject([
            .init(key: "docs_in", value: JSONValue(docsIn)),
            .init(key: "docs_kept", value: JSONValue(docsKept)),
            .init(key: "docs_rejected", value: JSONValue(docsRejected)),
            .init(key: "docs_skipped", value: JSONValue(docsSkipped)),
            .init(key: "invalid_lines", value: JSONValue(invalidLines)),
            .init(key: "blank_lines", value: JSONValue(blankLines)),
            .init(key: "bytes_in", value: JSONValue(Int(bytesIn))),
            .init(key: "bytes_out", value: JSONValue(Int(bytesOut))),
            .init(key: "chars_in", value: JSONValue(Int(charsIn))),
            .init(key: "chars_kept", value: JSONValue(Int(charsKept))),
            .init(key: "rejected_by", value: counts(rejectedBy) { JSONValue($0) }),
            .init(key: "rejected_chars", value: counts(rejectedChars) { JSONValue(Int($0)) }),
            .init(key: "skipped_by", value: counts(skippedBy) { JSONValue($0) }),
            .init(key: "made", value: counts(made) { JSONValue(Int($0)) }),
            .init(key: "rule_seconds", value: counts(ruleSeconds) { JSONValue(($0 * 1000).rounded() / 1000) }),
            .init(key: "rejected_by_group", value: counts(rejectedByGroup) { groups in counts(groups) { JSONValue($0) } }),
            // Microseconds: a plan or merge phase can take well under a millisecond, and its MB/s
            // needs a time that is not zero.
            .init(key: "seconds", value: JSONValue((seconds * 1e6).rounded() / 1e6)),
            .init(key: "peak_memory", value: JSONValue(Int(peakMemory))),
        ]))
    }

    public init(json: JSONValue) {
        guard case let .object(o) = json else { return }
        func int(_ key: String) -> Int { Int(o[key]?.doubleValue ?? 0) }
        docsIn = int("docs_in"); docsKept = int("docs_kept"); docsRejected = int("docs_rejected"); docsSkipped = int("docs_skipped")
        invalidLines = int("invalid_lines"); blankLines = int("blank_lines")
        bytesIn = Int64(int("bytes_in")); bytesOut = Int64(int("bytes_out"))
        charsIn = Int64(int("chars_in")); charsKept = Int64(int("chars_kept"))
        seconds = o["seconds"]?.doubleValue ?? 0
        peakMemory = Int64(int("peak_memory"))
        func numbers(_ key: String) -> [(String, Double)] {
            guard case let .object(members)? = o[key] else { return [] }
            return members.map { ($0.key, $0.value.doubleValue ?? 0) }
        }
        for (k, v) in numbers("rejected_by") { rejectedBy[k] = Int(v) }
        for (k, v) in numbers("rejected_chars") { rejectedChars[k] = Int64(v) }
        for (k, v) in numbers("skipped_by") { skippedBy[k] = Int(v) }
        for (k, v) in numbers("made") { made[k] = Int64(v) }
        for (k, v) in numbers("rule_seconds") { ruleSeconds[k] = v }
        if case let .object(groups)? = o["rejected_by_group"] {
            for member in groups {
                guard case let .object(counts) = member.value else { continue }
                rejectedByGroup[member.key] = Dictionary(counts.members.map { ($0.key, Int($0.value.doubleValue ?? 0)) },
                                                         uniquingKeysWith: +)
            }
        }
    }
}

/// Counts the Unicode scalars (characters, as Python counts `len(text)`) in UTF-8 bytes: every
/// byte that is not a continuation byte (10xxxxxx) starts one. Eight bytes at a time.
public func scalarCount(_ utf8: [UInt8]) -> Int {
    utf8.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return 0 }
        let n = buffer.count
        var count = 0
        var i = 0
        while i + 8 <= n {
            let w = ByteScan.load(base, i)
            // High bit set and the next bit clear marks a continuation byte.
            let continuation = w & ~(w << 1) & ByteScan.highs
            count &+= 8 &- continuation.nonzeroBitCount
            i += 8
        }
        while i < n {
            if base[i] & 0xC0 != 0x80 { count &+= 1 }
            i += 1
        }
        return count
    }
}
