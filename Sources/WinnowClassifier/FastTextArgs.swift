import WinnowCore

/// fastText's model arguments: the part stored in `.bin` files (in that order) plus the
/// training-only settings. Defaults are fastText's `supervised` defaults (methods.md §2.1).
public struct FastTextArgs: Sendable, Equatable {
    public enum Loss: Int32, Sendable, CaseIterable {
        case hs = 1, ns = 2, softmax = 3, ova = 4
        public var name: String {
            switch self {
            case .hs: "hs"
            case .ns: "ns"
            case .softmax: "softmax"
            case .ova: "ova"
            }
        }
        public init?(name: String) {
            guard let loss = Loss.allCases.first(where: { $0.name == name }) else { return nil }
            self = loss
        }
    }

    /// fastText's model kinds; Winnow trains and predicts supervised models only.
    public enum Kind: Int32, Sendable { case cbow = 1, skipgram = 2, supervised = 3 }

    public var dim: Int32 = 100
    public var ws: Int32 = 5
    public var epoch: Int32 = 5
    public var minCount: Int32 = 1
    public var neg: Int32 = 5
    public var wordNgrams: Int32 = 1
    public var loss: Loss = .softmax
    public var kind: Kind = .supervised
    public var bucket: Int32 = 2_000_000
    public var minn: Int32 = 0
    public var maxn: Int32 = 0
    public var lrUpdateRate: Int32 = 100
    public var samplingThreshold: Double = 1e-4

    // Training only (not stored in model files).
    public var lr: Double = 0.1
    public var minCountLabel: Int32 = 0
    public var labelPrefix = "__label__"
    public var threads = 2
    public var seed: UInt64 = 0

    public init() {}

    /// fastText allocates no hash buckets when neither word n-grams nor subwords use them.
    public var effectiveBucket: Int32 { wordNgrams <= 1 && maxn == 0 ? 0 : bucket }

    static func read(_ r: inout BinaryReader) throws -> FastTextArgs {
        var a = FastTextArgs()
        a.dim = try r.int32("dim"); a.ws = try r.int32("ws"); a.epoch = try r.int32("epoch")
        a.minCount = try r.int32("minCount"); a.neg = try r.int32("neg"); a.wordNgrams = try r.int32("wordNgrams")
        let loss = try r.int32("loss")
        guard let parsedLoss = Loss(rawValue: loss) else { throw r.error("unknown loss \(loss)") }
        a.loss = parsedLoss
        let kind = try r.int32("model")
        guard let parsedKind = Kind(rawValue: kind) else { throw r.error("unknown model kind \(kind)") }
        a.kind = parsedKind
        a.bucket = try r.int32("bucket"); a.minn = try r.int32("minn"); a.maxn = try r.int32("maxn")
        a.lrUpdateRate = try r.int32("lrUpdateRate"); a.samplingThreshold = try r.float64("t")
        guard a.dim > 0, a.bucket >= 0, a.minn >= 0, a.maxn >= 0, a.wordNgrams >= 0 else {
            throw r.error("implausible arguments (dim \(a.dim), bucket \(a.bucket), minn \(a.minn), maxn \(a.maxn))")
        }
        return a
    }

    func write(_ w: inout BinaryWriter) {
        for value in [dim, ws, epoch, minCount, neg, wordNgrams, loss.rawValue, kind.rawValue, bucket, minn, maxn, lrUpdateRate] {
            w.scalar(value)
        }
        w.float64(samplingThreshold)
    }
}
