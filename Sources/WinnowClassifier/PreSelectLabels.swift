import WinnowCore

/// PreSelect's labelling (Shum et al. 2025, "Predictive Data Selection"; methods.md §1.3): a
/// document is a positive when, on it, the ordering of several models by loss agrees with their
/// ordering by benchmark score on every pair of models; negatives are the documents that agree
/// least, as many as there are positives. A fastText classifier trained on the two classes then
/// scores the whole corpus.
public struct PreSelectLabeller {
    /// Each model's benchmark score (higher is better).
    public var benchmarks: [String: Double]

    public init(benchmarks: [String: Double]) { self.benchmarks = benchmarks }

    /// How many model pairs can agree or disagree: pairs whose benchmark scores differ.
    public var comparablePairs: Int {
        let scores = benchmarks.values.sorted()
        var count = 0
        for i in 0..<scores.count { for j in (i + 1)..<scores.count where scores[i] != scores[j] { count += 1 } }
        return count
    }

    /// The number of model pairs whose loss order (lower is better) agrees with their benchmark
    /// order on this document; nil if a model's loss is missing.
    public func agreement(losses: [String: Double]) -> Int? {
        let models = benchmarks.keys.sorted()
        guard models.allSatisfy({ losses[$0] != nil }) else { return nil }
        var agree = 0
        for i in 0..<models.count {
            for j in (i + 1)..<models.count {
                let (bi, bj) = (benchmarks[models[i]]!, benchmarks[models[j]]!)
                let (li, lj) = (losses[models[i]]!, losses[models[j]]!)
                if (bi > bj && li < lj) || (bi < bj && li > lj) { agree += 1 }
            }
        }
        return agree
    }

    public struct Selection: Sendable {
        public var positives: [String]
        public var negatives: [String]
        /// Documents skipped because a model's loss was missing.
        public var incomplete: Int
        /// Documents by agreement (index = agreeing pairs).
        public var histogram: [Int]
    }

    /// Picks positives (perfect agreement) and as many negatives (least agreement first, ties
    /// by id) from per-document losses.
    public func select(losses: [String: [String: Double]]) -> Selection {
        let perfect = comparablePairs
        var scored: [(id: String, score: Int)] = []
        var incomplete = 0
        var histogram = [Int](repeating: 0, count: perfect + 1)
        for (id, perModel) in losses {
            guard let score = agreement(losses: perModel) else { incomplete += 1; continue }
            scored.append((id, score))
            histogram[score] += 1
        }
        scored.sort { $0.score != $1.score ? $0.score < $1.score : $0.id < $1.id }
        let positives = scored.filter { $0.score == perfect }.map(\.id).sorted()
        let negatives = scored.filter { $0.score < perfect }.prefix(positives.count).map(\.id)
        return Selection(positives: positives, negatives: Array(negatives), incomplete: incomplete, histogram: histogram)
    }
}

/// Reads the inputs of PreSelect labelling.
public enum PreSelectInputs {
    /// `{"model": score}` or PreSelect's `{"model": {"avg": score}}`.
    public static func benchmarks(path: String) throws -> [String: Double] {
        let bytes = try readFile(path)
        guard case let .object(object) = try bytes.withUnsafeBytes({ try JSONValue.parse($0) }) else {
            throw WinnowError.invalid("\(path): expected a JSON object of model → benchmark score")
        }
        var result: [String: Double] = [:]
        for member in object {
            if let score = member.value.doubleValue {
                result[member.key] = score
            } else if case let .object(nested) = member.value, let score = nested["avg"]?.doubleValue {
                result[member.key] = score
            } else {
                throw WinnowError.invalid("\(path): the score of '\(member.key)' is neither a number nor {\"avg\": number}")
            }
        }
        guard result.count >= 2 else { throw WinnowError.invalid("\(path): PreSelect needs at least two models") }
        return result
    }

    /// Per-document losses from JSONL lines `{"id", "model", "bpc"}` or
    /// `{"id", "model", "total_loss" (nats), "characters"}` (bits per character are then
    /// total_loss / (characters · ln 2); without `characters`, the document's own length).
    public static func losses(path: String, characters: [String: Int]) throws -> [String: [String: Double]] {
        var result: [String: [String: Double]] = [:]
        var line = 0
        // Loss lines are not documents (they have no text): each is parsed as a plain object.
        let lines = LineReader(source: try openByteSource(path: path))
        while let parsed = try lines.nextLine({ raw -> (String, String, Double)? in
            line += 1
            guard raw.contains(where: { $0 > 0x20 }) else { return nil }
            guard case let .object(o) = try JSONValue.parse(raw),
                  case let .string(id)? = o["id"], case let .string(model)? = o["model"] else {
                throw WinnowError.invalid("\(path):\(line): expected {\"id\", \"model\", \"bpc\" or \"total_loss\"}")
            }
            if let bpc = o["bpc"]?.doubleValue { return (id, model, bpc) }
            guard let total = o["total_loss"]?.doubleValue else {
                throw WinnowError.invalid("\(path):\(line): neither \"bpc\" nor \"total_loss\"")
            }
            guard let chars = o["characters"]?.doubleValue ?? characters[id].map(Double.init), chars > 0 else {
                throw WinnowError.invalid("\(path):\(line): no character count for '\(id)' (give \"characters\" or the document)")
            }
            return (id, model, total / (chars * 0.6931471805599453))
        }) {
            if let (id, model, bpc) = parsed { result[id, default: [:]][model] = bpc }
        }
        return result
    }
}
