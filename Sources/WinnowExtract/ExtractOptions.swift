/// How the extractor trades what it keeps against what it lets through (trafilatura's
/// `favor_precision` / `favor_recall`), and its limits per page.
public struct ExtractOptions: Sendable {
    public enum Favor: String, Sendable, CaseIterable {
        case precision, balanced, recall
    }

    public var favor: Favor
    /// Keep comment sections (`comments: true`).
    public var comments: Bool
    /// Pages longer than this are rejected unparsed (0: no limit).
    public var maxPageBytes: Int
    /// A page whose extraction takes longer is rejected (seconds; 0: no limit).
    public var timeLimit: Double

    public init(favor: Favor = .balanced, comments: Bool = false, maxPageBytes: Int = 20_000_000, timeLimit: Double = 2) {
        self.favor = favor
        self.comments = comments
        self.maxPageBytes = maxPageBytes
        self.timeLimit = timeLimit
    }

    /// How much more text than the chosen content element its parent may hold for the parent
    /// to be taken instead (see `HTMLExtractor.mainElement`).
    var climbRatio: Double {
        switch favor {
        case .precision: 1.5
        case .balanced: 2
        case .recall: 3
        }
    }

    /// The share of a line's characters inside links above which the line is navigation.
    var maxLinkDensity: Double {
        switch favor {
        case .precision: 0.3
        case .balanced: 0.5
        case .recall: 0.8
        }
    }
}
