import Testing
@testable import WinnowMix
import WinnowCore

/// The mixing plan on hand-computed cases: weights, temperature, the epoch cap and its
/// redistribution, phases, and the per-document copies.
@Suite struct MixPlanTests {
    let sizes: [String: (size: Double, documents: Int)] = ["a": (100, 10), "b": (900, 90)]

    @Test func temperatureSamplingFollowsSizeToTheAlpha() {
        var settings = MixSettings()
        settings.alpha = 0.5
        let plan = MixPlan(settings: settings, sizes: sizes, seed: 1)
        // sqrt(100) : sqrt(900) = 10 : 30 → 0.25, 0.75 of 1000.
        #expect(abs(plan.source("a")!.targets[0] - 250) < 1e-9)
        #expect(abs(plan.source("b")!.targets[0] - 750) < 1e-9)
    }

    @Test func theEpochCapMovesTheShortfallToUncappedSources() {
        var settings = MixSettings()
        settings.weights = ["a": 0.5, "b": 0.5]
        settings.maxEpochs = 2
        let plan = MixPlan(settings: settings, sizes: sizes, seed: 1)
        // a wants 500 = 5 epochs, capped at 200; b takes the other 300 → 800.
        #expect(plan.source("a")!.capped)
        #expect(abs(plan.source("a")!.targets[0] - 200) < 1e-9)
        #expect(abs(plan.source("b")!.targets[0] - 800) < 1e-9)
        #expect(abs(plan.source("a")!.epochs - 2) < 1e-9)
    }

    @Test func phasesSplitTheTotalWithTheirOwnWeights() {
        var settings = MixSettings()
        settings.phases = [.init(name: "main", fraction: 0.9, weights: nil),
                           .init(name: "anneal", fraction: 0.1, weights: ["a": 1])]
        let plan = MixPlan(settings: settings, sizes: sizes, seed: 1)
        #expect(abs(plan.source("a")!.targets[0] - 90) < 1e-9)
        #expect(abs(plan.source("a")!.targets[1] - 100) < 1e-9)
        #expect(plan.source("b")!.targets[1] == 0)
    }

    @Test func copiesAverageTheEpochsAndFollowThePhaseTargets() {
        var settings = MixSettings()
        settings.weights = ["a": 0.25, "b": 0.75]
        settings.phases = [.init(name: "main", fraction: 0.5, weights: nil), .init(name: "cooldown", fraction: 0.5, weights: nil)]
        let plan = MixPlan(settings: settings, sizes: sizes, seed: 1)
        let a = plan.source("a")!
        #expect(abs(a.epochs - 2.5) < 1e-9)
        var random = SplitMix64(seed: 9)
        var copies = 0, cooldown = 0
        for _ in 0..<10_000 {
            let phases = plan.copies(of: a) { random.unit() }
            #expect(phases.count == 2 || phases.count == 3)
            copies += phases.count
            cooldown += phases.filter { $0 == 1 }.count
        }
        #expect(abs(Double(copies) / 10_000 - 2.5) < 0.03)
        #expect(abs(Double(cooldown) / Double(copies) - 0.5) < 0.02)
    }

    @Test func thePlanRoundTripsThroughJSON() throws {
        var settings = MixSettings()
        settings.maxEpochs = 1.5
        settings.weights = ["a": 3, "b": 1]
        let plan = MixPlan(settings: settings, sizes: sizes, seed: 12_345_678_901_234)
        #expect(try MixPlan(json: plan.json, path: "plan.json") == plan)
    }
}
