import WinnowCore

/// How much of each source goes into each phase, decided once from the sizes of all sources
/// (methods.md §5): targets = total × phase fraction × weight; a source needing more than
/// `maxEpochs` passes is capped and its shortfall in each phase is given to the uncapped sources
/// of that phase in proportion to their targets, until no new source is capped.
public struct MixPlan: Sendable, Equatable {
    public struct Source: Sendable, Equatable {
        public var name: String
        /// Size available (the measure's unit) and documents.
        public var available: Double
        public var documents: Int
        /// Target amount per phase, after capping.
        public var targets: [Double]
        /// Weight per phase before capping (normalised within the phase).
        public var weights: [Double]
        public var capped = false

        /// Passes over the source the plan asks for (documents are repeated whole).
        public var epochs: Double { available > 0 ? targets.reduce(0, +) / available : 0 }
    }

    public var phases: [String]
    public var sources: [Source]
    /// Seed for sampling and shuffling: fixed by the planning task, the same for every rank.
    public var seed: UInt64

    public init(settings: MixSettings, sizes: [String: (size: Double, documents: Int)], seed: UInt64) {
        self.seed = seed
        phases = settings.phases.map(\.name)
        let names = sizes.keys.sorted()
        let total = settings.total ?? sizes.values.reduce(0) { $0 + $1.size }
        func normalised(_ weights: [String: Double]?) -> [Double] {
            let raw = names.map { name -> Double in
                if let weights { return weights[name] ?? 0 }
                let size = sizes[name]!.size
                return size > 0 ? pow(size, settings.alpha) : 0
            }
            let sum = raw.reduce(0, +)
            return raw.map { sum > 0 ? $0 / sum : 0 }
        }
        let phaseWeights = settings.phases.map { normalised($0.weights ?? settings.weights) }
        sources = names.enumerated().map { i, name in
            let weights = phaseWeights.map { $0[i] }
            let targets = zip(settings.phases, weights).map { total * $0.fraction * $1 }
            return Source(name: name, available: sizes[name]!.size, documents: sizes[name]!.documents,
                          targets: targets, weights: weights)
        }
        for _ in 0..<sources.count + 1 {
            var newlyCapped = false
            var shortfall = [Double](repeating: 0, count: phases.count)
            for i in sources.indices where !sources[i].capped {
                let wanted = sources[i].targets.reduce(0, +)
                let limit = settings.maxEpochs * sources[i].available
                guard wanted > limit * (1 + 1e-12) else { continue }
                let scale = limit / wanted
                for p in phases.indices {
                    shortfall[p] += sources[i].targets[p] * (1 - scale)
                    sources[i].targets[p] *= scale
                }
                sources[i].capped = true
                newlyCapped = true
            }
            guard newlyCapped else { break }
            for p in phases.indices where shortfall[p] > 0 {
                let open = sources.indices.filter { !sources[$0].capped }
                let base = open.reduce(0) { $0 + sources[$1].targets[p] }
                guard base > 0 else { continue }
                for i in open { sources[i].targets[p] += shortfall[p] * sources[i].targets[p] / base }
            }
        }
    }

    public func source(_ name: String) -> Source? { sources.first { $0.name == name } }

    public var json: JSONValue {
        .object(JSONObject([
            .init(key: "seed", value: .string(String(seed))),
            .init(key: "phases", value: .array(phases.map { .string($0) })),
            .init(key: "sources", value: .array(sources.map { source in
                .object(JSONObject([
                    .init(key: "name", value: .string(source.name)),
                    .init(key: "available", value: JSONValue(source.available)),
                    .init(key: "documents", value: JSONValue(source.documents)),
                    .init(key: "targets", value: .array(source.targets.map { JSONValue($0) })),
                    .init(key: "weights", value: .array(source.weights.map { JSONValue($0) })),
                    .init(key: "capped", value: .bool(source.capped)),
                ]))
            })),
        ]))
    }

    /// Reads a plan written by `json`.
    public init(json: JSONValue, path: String) throws {
        guard case let .object(root) = json, let seedText = root["seed"]?.stringValue, let seed = UInt64(seedText),
              case let .array(phaseNames)? = root["phases"], case let .array(items)? = root["sources"] else {
            throw WinnowError.invalid("\(path): not a mix plan")
        }
        self.seed = seed
        phases = phaseNames.compactMap(\.stringValue)
        sources = try items.map { item in
            guard case let .object(o) = item, let name = o["name"]?.stringValue, let available = o["available"]?.doubleValue,
                  case let .array(targets)? = o["targets"], case let .array(weights)? = o["weights"] else {
                throw WinnowError.invalid("\(path): a source of the mix plan is incomplete")
            }
            var source = Source(name: name, available: available, documents: Int(o["documents"]?.doubleValue ?? 0),
                                targets: targets.compactMap(\.doubleValue), weights: weights.compactMap(\.doubleValue))
            source.capped = o["capped"] == .bool(true)
            return source
        }
    }

    /// How many copies of a document go to which phases: the source's expected passes split
    /// into whole copies plus one more with the fractional probability, each copy's phase drawn
    /// in proportion to the source's phase targets. `random` yields values in [0, 1).
    public func copies(of source: Source, random: () -> Double) -> [Int] {
        let epochs = source.epochs
        var count = Int(epochs)
        if random() < epochs - Double(count) { count += 1 }
        let total = source.targets.reduce(0, +)
        return (0..<count).map { _ in
            var u = random() * total
            for p in source.targets.indices {
                u -= source.targets[p]
                if u < 0 { return p }
            }
            return source.targets.lastIndex { $0 > 0 } ?? 0
        }
    }
}
