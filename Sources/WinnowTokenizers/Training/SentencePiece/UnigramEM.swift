#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import WinnowCore

/// The EM steps of sentencepiece's unigram trainer (unigram_model_trainer.cc) over the
/// whitespace-split words of the corpus with their counts.
///
/// Expected counts are summed in fixed point (`scale` units per occurrence) so that the sums,
/// and so the vocabulary, are the same whatever the number of threads and however the words
/// fall to them; sentencepiece sums floats per thread, so its result depends on
/// `num_threads`.
struct UnigramEM: Sendable {
    /// Words as UTF-8, word k is `bytes[ends[k-1]..<ends[k]]`.
    let bytes: [UInt8]
    let ends: [Int]
    let counts: [Int64]
    let threads: Int

    static let scale = Double(1 << 24)

    init(words: WordCounts, threads: Int) {
        bytes = words.table.arena
        ends = Array(words.table.offsets.dropFirst())
        counts = words.counts
        self.threads = max(1, threads)
    }

    var totalCount: Int64 { counts.reduce(0, +) }

    /// Runs `body(range, worker)` over chunks of the words on `threads` threads; each worker
    /// keeps its own state, made by `makeState` and returned in worker order.
    private func forEachChunk<State>(_ makeState: () -> State,
                                     _ body: @Sendable (Range<Int>, UnsafeBufferPointer<UInt8>, inout State) -> Void) -> [State] where State: Sendable {
        let chunk = 4096
        let chunks = (counts.count + chunk - 1) / chunk
        let next = Mutex(0)
        let states = Mutex<[State]>([])
        let workers = min(threads, max(1, chunks))
        let initial = (0..<workers).map { _ in makeState() }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var state = initial[w]
            bytes.withUnsafeBufferPointer { all in
                while case let c = next.withLock({ n -> Int in defer { n += 1 }; return n }), c < chunks {
                    body((c * chunk)..<min(counts.count, (c + 1) * chunk), all, &state)
                }
            }
            states.withLock { $0.append(state) }
        }
        return states.withLock { $0 }
    }

    private func word(_ k: Int, _ all: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: all[(k == 0 ? 0 : ends[k - 1])..<ends[k]])
    }

    struct Expectation: Sendable {
        var counts: [Int64]
        var logLikelihood: Int64 = 0
    }

    /// The E step: each piece's expected count over all words, and the corpus's negative
    /// log-likelihood per word occurrence.
    func expectation(_ model: TrainerPieces) -> (expected: [Double], objective: Double) {
        let parts = forEachChunk({ Expectation(counts: [Int64](repeating: 0, count: model.count)) }) { range, all, state in
                var lattice = PieceLattice()
                state.counts.withUnsafeMutableBufferPointer { expected in
                    for k in range {
                        lattice.set(word(k, all), model: model)
                        let z = lattice.addMarginals(count: counts[k], into: expected.baseAddress!)
                        state.logLikelihood &+= Int64((z * Double(counts[k]) * 1024).rounded())
                    }
                }
        }
        var total = [Int64](repeating: 0, count: model.count)
        var logLikelihood: Int64 = 0
        for part in parts {
            for k in 0..<total.count { total[k] &+= part.counts[k] }
            logLikelihood &+= part.logLikelihood
        }
        return (total.map { Double($0) / Self.scale }, -Double(logLikelihood) / 1024 / Double(totalCount))
    }

    /// The M step: pieces expected fewer than 0.5 times go; the others' scores become
    /// digamma(count) − digamma(total) (the Bayesian EM sentencepiece uses, after Liang's
    /// tutorial: a sparse prior that favours dropping rare pieces).
    static func maximization(_ model: TrainerPieces, expected: [Double]) -> [(piece: [UInt8], score: Double)] {
        var kept: [(piece: [UInt8], score: Double)] = []
        var sum = 0.0
        for (k, count) in expected.enumerated() where count >= 0.5 {
            kept.append((model.pieces[k], count))
            sum += count
        }
        let logTotal = digamma(sum)
        return kept.map { ($0.piece, digamma($0.score) - logTotal) }
    }

    /// The digamma function: the recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 6, then the
    /// asymptotic series in 1/x².
    static func digamma(_ x: Double) -> Double {
        var x = x, result = 0.0
        while x < 6 {
            result -= 1 / x
            x += 1
        }
        let f = 1 / (x * x)
        let series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 - f * (1.0 / 132)))))
        return result + log(x) - 0.5 / x + series
    }

    /// The pruning step: keeps the pieces whose removal would cost the corpus most likelihood,
    /// `max(desired, shrinking × size)` of them (plus the pieces nothing can replace).
    ///
    /// A piece whose own best cut is into other pieces goes; otherwise its second-best cut is
    /// what would replace it, and the loss of removing it is approximated, as sentencepiece
    /// does, by moving its Viterbi count to those pieces.
    func prune(_ model: TrainerPieces, desired: Int, shrinking: Double) -> [(piece: [UInt8], score: Double)] {
        let n = model.count
        // Alternatives: piece → its best cut without itself (nil: keep it whatever it costs).
        struct Cuts: Sendable {
            var alternatives: [(piece: Int, cut: [Int32])] = []
            var removable: [Int] = []
        }
        let cutParts: [Cuts] = {
            let next = Mutex(0)
            let parts = Mutex<[Cuts]>([])
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                var local = Cuts()
                var lattice = PieceLattice()
                var path: [Int32] = []
                while case let start = next.withLock({ v -> Int in defer { v += 4096 }; return v }), start < n {
                    for i in start..<min(n, start + 4096) {
                        model.pieces[i].withUnsafeBufferPointer { piece in
                            lattice.set(piece, model: model)
                            // A one-character piece has no other cut (the unknown node
                            // stands only where no such piece is).
                            guard lattice.characters > 1, let whole = lattice.viterbi(into: &path) else { return }
                            if path.count > 1 { local.removable.append(i); return }
                            lattice.set(piece, model: model, skip: Int32(i))
                            guard let other = lattice.viterbi(into: &path), other <= whole else { return }
                            local.alternatives.append((i, path.map { lattice.nodes[Int($0)].piece }))
                        }
                    }
                }
                parts.withLock { $0.append(local) }
            }
            return parts.withLock { $0 }
        }()
        var alternatives = [[Int32]?](repeating: nil, count: n)
        var removable = [Bool](repeating: false, count: n)
        for part in cutParts {
            for (piece, cut) in part.alternatives { alternatives[piece] = cut }
            for piece in part.removable { removable[piece] = true }
        }

        // Viterbi counts of every piece over the corpus.
        let frequencyParts = forEachChunk({ [Int64](repeating: 0, count: n) }) { range, all, frequency in
                var lattice = PieceLattice()
                var path: [Int32] = []
                for k in range {
                    lattice.set(word(k, all), model: model)
                    _ = lattice.viterbi(into: &path)
                    for node in path where lattice.nodes[Int(node)].piece >= 0 { frequency[Int(lattice.nodes[Int(node)].piece)] += counts[k] }
                }
        }
        var frequency = [Double](repeating: 0, count: n)
        for part in frequencyParts { for k in 0..<n { frequency[k] += Double(part[k]) } }
        let wordTotal = Double(totalCount)
        let sum = frequency.reduce(0, +)
        let logSum = log(sum)

        var kept: [(piece: [UInt8], score: Double)] = []
        var candidates: [(index: Int, loss: Double)] = []
        for i in 0..<n {
            if frequency[i] == 0 || removable[i] { continue }
            guard let cut = alternatives[i] else {
                kept.append((model.pieces[i], model.scores[i]))
                continue
            }
            let share = frequency[i] / wordTotal
            let logProbability = log(frequency[i]) - logSum
            let logSumWithout = log(sum + frequency[i] * Double(cut.count - 1))
            var logProbabilityWithout = 0.0
            for piece in cut where piece >= 0 {
                logProbabilityWithout += log(frequency[Int(piece)] + frequency[i]) - logSumWithout
            }
            candidates.append((i, share * (logProbability - logProbabilityWithout)))
        }
        let size = max(desired, Int(shrinking * Double(n)))
        candidates.sort { $0.loss != $1.loss ? $0.loss > $1.loss : $0.index < $1.index }
        for candidate in candidates {
            if kept.count >= size { break }
            kept.append((model.pieces[candidate.index], model.scores[candidate.index]))
        }
        return kept
    }
}
