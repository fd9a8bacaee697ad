import Testing
import WinnowCore
@testable import WinnowTokenizers

/// n-best and sampled segmentations of unigram models: sentencepiece's n-best lists
/// (Fixtures/unigram-*.json, "nbest") and the properties sampling must have.
///
/// Segmentations of equal score (`the the` cut after either word) come in whatever order the
/// search meets them, which differs between sentencepiece's A* and our k-best Viterbi: so each
/// of sentencepiece's lists must hold our segmentations up to such ties (ours scored the same
/// at each rank, and every one of its segmentations among our 8 best with that score).
@Suite struct SubwordRegularizationTests {
    @Test(arguments: ["nfkc", "bytes"])
    func nBestIsSentencepieces(name: String) throws {
        let tokenizer = try #require(try TokenizerFiles.load(path: Fixture.directory + "unigram-\(name).model") as? SentencePieceTokenizer)
        let texts = try SentencePieceTests.texts()
        let expected = try Fixture.json("unigram-\(name).json")["nbest"].array
        #expect(expected.count == 120)
        var ties = 0
        for (k, lists) in expected.enumerated() {
            let want = lists.array.map { $0.array.map { UInt32($0.int) } }
            let got = try tokenizer.nBest(Array(texts[k].utf8), count: 4)
            let wider = try tokenizer.nBest(Array(texts[k].utf8), count: 8)
            let scoreOf = Dictionary(wider.map { ($0.ids, $0.score) }, uniquingKeysWith: { a, _ in a })
            #expect(got.count == want.count, "\(name) #\(k)")
            for (rank, theirs) in want.enumerated() where rank < got.count && theirs != got[rank].ids {
                #expect(scoreOf[theirs] == got[rank].score, "\(name) #\(k) rank \(rank): \(texts[k].prefix(60).debugDescription)")
            }
            let exact = zip(got.map(\.ids), want).filter { $0 == $1 }.count
            ties += got.count - exact
            // The first is the Viterbi segmentation, and scores do not rise.
            if let first = got.first { #expect(first.ids == (try tokenizer.encode(Array(texts[k].utf8), specials: .ordinary))) }
            #expect(zip(got, got.dropFirst()).allSatisfy { $0.score >= $1.score })
        }
        #expect(ties < 10, "\(ties) of 480 differ by the order of equal scores")
    }

    static let model = try! TokenizerFiles.load(path: Fixture.directory + "unigram-nfkc.model") as! SentencePieceTokenizer
    static let text = Array("Hello world, unigram sampling of subwords.".utf8)

    @Test func samplesAreSegmentationsOfTheText() throws {
        var random = SplitMix64(seed: 7)
        let best = try Self.model.encode(Self.text, specials: .ordinary)
        var seen = Set<[UInt32]>()
        for nbest in [-1, 2, 8] {
            for _ in 0..<50 {
                let ids = try Self.model.sample(Self.text, nbestSize: nbest, alpha: 0.2, using: &random)
                #expect(try Self.model.decode(ids) == Self.model.decode(best), "a sample decodes to the same text")
                seen.insert(ids)
            }
        }
        #expect(seen.count > 10, "\(seen.count) different segmentations in 150 samples at alpha 0.2")
        #expect(try Self.model.sample(Self.text, nbestSize: 1, alpha: 0.2, using: &random) == best)
        #expect(try Self.model.sample(Self.text, nbestSize: 0, alpha: 0.2, using: &random) == best)
    }

    @Test func samplingIsSeeded() throws {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        for _ in 0..<20 {
            #expect(try Self.model.sample(Self.text, nbestSize: -1, alpha: 0.1, using: &a) == Self.model.sample(Self.text, nbestSize: -1, alpha: 0.1, using: &b))
        }
    }

    /// From the 2 best, the first comes with probability 1 / (1 + exp(alpha · (s2 − s1))): over
    /// 4000 draws (a fixed seed) the share is within 3 percentage points of that.
    @Test func twoBestAreDrawnByTheirScores() throws {
        let best = try Self.model.nBest(Self.text, count: 2)
        let alpha = 0.5
        let expected = 1 / (1 + exp(alpha * (best[1].score - best[0].score)))
        var random = SplitMix64(seed: 1)
        var first = 0
        for _ in 0..<4000 where try Self.model.sample(Self.text, nbestSize: 2, alpha: alpha, using: &random) == best[0].ids { first += 1 }
        #expect(abs(Double(first) / 4000 - expected) < 0.03, "\(first) of 4000, expected share \(expected)")
    }

    @Test func bpeModelsAreRefused() throws {
        let bpe = try #require(try TokenizerFiles.load(path: Fixture.directory + "spm-bpe.model") as? SentencePieceTokenizer)
        #expect(throws: WinnowError.self) { try bpe.nBest(Self.text, count: 2) }
    }
}
