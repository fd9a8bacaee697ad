/// A byte-level BPE vocabulary: what training produces and what tokenizer.json, vocab.json +
/// merges.txt and .tiktoken files hold, in one form.
public struct BPEVocabulary: Sendable, Equatable {
    /// One merge rule: `left` followed by `right` becomes `result`. Rank = position in `merges`.
    public struct Merge: Sendable, Equatable {
        public var left: UInt32
        public var right: UInt32
        public var result: UInt32

        public init(left: UInt32, right: UInt32, result: UInt32) {
            self.left = left
            self.right = right
            self.result = result
        }
    }

    /// Token id → the bytes it stands for (a special token: its text).
    public var tokens: [[UInt8]]
    public var merges: [Merge]
    /// Special (added) tokens: their text and id, in id order. They are matched in the text
    /// before pre-tokenisation, never produced by merges.
    public var specials: [(content: String, id: UInt32)]

    public init(tokens: [[UInt8]], merges: [Merge], specials: [(content: String, id: UInt32)]) {
        self.tokens = tokens
        self.merges = merges
        self.specials = specials
    }

    public var count: Int { tokens.count }

    public func isSpecial(_ id: UInt32) -> Bool { specials.contains { $0.id == id } }

    /// The token's string in tokenizer.json / vocab.json: specials as they are, the others in
    /// GPT-2's byte alphabet.
    public func vocabString(_ id: UInt32) -> String {
        if let special = specials.first(where: { $0.id == id }) { return special.content }
        return ByteLevelAlphabet.encode(tokens[Int(id)])
    }

    public static func == (a: BPEVocabulary, b: BPEVocabulary) -> Bool {
        a.tokens == b.tokens && a.merges == b.merges
            && a.specials.map(\.content) == b.specials.map(\.content) && a.specials.map(\.id) == b.specials.map(\.id)
    }
}
