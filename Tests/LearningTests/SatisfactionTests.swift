import Foundation
import Testing
@testable import Learning

/// The satisfaction recursion S(t) = σ(b + w_s·S(t−1) + w·x(t)) (docs/satisfaction.md): computed
/// as documented, its gradient exact, its fit better than where it starts, its weights portable.
@Suite("Satisfaction score")
struct SatisfactionTests {
    /// Histories drawn from `truth` itself: each period a customer buys with probability S(t−1)
    /// (so S(t) is, by construction, the chance of a purchase in t + 1), browses at random,
    /// reviews some purchases (scores 1-5) and returns some.
    static func simulate(_ truth: SatisfactionModel, customers: Int, periods: Int, seed: UInt64) -> SatisfactionHistories {
        var rng = SplitMix64(seed: seed)
        var histories = SatisfactionHistories(periods: periods)
        for _ in 0..<customers {
            let start = Int(rng.next() % UInt64(periods))
            var entries: [(period: Int, inputs: [Double])] = []
            var s = truth.initialScore
            for t in start..<periods {
                // The first period is the one the customer arrives in: always a purchase.
                let buys = t == start || rng.nextOpenUnitInterval() < s
                let views = Int(rng.next() % 4)
                let reviewed = buys && rng.nextOpenUnitInterval() < 0.4
                let score = Double(1 + rng.next() % 5)
                let returned = buys && rng.nextOpenUnitInterval() < 0.15
                let inputs: [Double] = [buys ? log(2.0) : 0, log(1 + Double(views)), reviewed ? (score - 3) / 2 : 0, returned ? log(2.0) : 0]
                if inputs.contains(where: { $0 != 0 }) { entries.append((t, inputs)) }
                s = truth.step(previous: s, inputs: inputs[...])
            }
            histories.append(start: start, entries: entries)
        }
        return histories
    }

    static let truth = SatisfactionModel(bias: -1.2, stateWeight: 2.0, inputWeights: [0.9, 0.15, 0.6, -0.8], initialLogit: 0.3)

    @Test("the recursion is applied as documented: a three-period case computed by hand")
    func recursionByHand() {
        let model = SatisfactionModel(bias: -1, stateWeight: 2, inputWeights: [1, 0.5, 1, -1], initialLogit: 0)
        var histories = SatisfactionHistories(periods: 4)
        // Starts in period 1: a purchase and 3 views; period 2 empty; period 3 a review of 5 and a return.
        histories.append(start: 1, entries: [(1, [log(2), log(4), 0, 0]), (3, [0, 0, 1, log(2)])])
        // By hand: S0 = σ(0) = 0.5.
        // S(1) = σ(−1 + 2·0.5 + ln 2 + 0.5·ln 4) = σ(2 ln 2) = 4/5 = 0.8
        // S(2) = σ(−1 + 2·0.8) = σ(0.6)
        // S(3) = σ(−1 + 2·σ(0.6) + 1 − ln 2) = σ(2σ(0.6) − ln 2)
        let s2 = 1 / (1 + exp(-0.6))
        let s3 = 1 / (1 + exp(-(2 * s2 - log(2.0))))
        let trajectory = model.trajectory(histories, customer: 0)
        #expect(trajectory.count == 3)
        #expect(abs(trajectory[0] - 0.8) < 1e-15)
        #expect(abs(trajectory[1] - s2) < 1e-15)
        #expect(abs(trajectory[2] - s3) < 1e-15)
        #expect(model.finalScores(histories) == [trajectory[2]])
        // The objective's pairs: S(1) against a purchase in 2 (no), S(2) against 3 (no: a review and a return only).
        let objective = SatisfactionModel.objective(model.vector, histories: histories, l2Penalty: 0)
        #expect(objective.pairs == 2 && objective.positives == 0)
        #expect(abs(objective.logLoss - (-(log(1 - 0.8) + log(1 - s2)) / 2)) < 1e-12)
        #expect(histories.purchased(0, in: 1) && !histories.purchased(0, in: 3))
        #expect(histories.dense(0) == [[log(2), log(4), 0, 0], [0, 0, 0, 0], [0, 0, 1, log(2)]])
    }

    @Test("a customer without activity keeps the initial score; one that starts in the last period has one score")
    func edges() {
        let model = SatisfactionModel.initial
        var histories = SatisfactionHistories(periods: 3)
        histories.append(start: 3, entries: [])
        histories.append(start: 2, entries: [(2, [log(2), 0, 0, 0])])
        #expect(model.trajectory(histories, customer: 0).isEmpty)
        #expect(model.finalScores(histories)[0] == model.initialScore)
        #expect(model.trajectory(histories, customer: 1).count == 1)
        #expect(SatisfactionModel.objective(model.vector, histories: histories, l2Penalty: 0).pairs == 0)
    }

    @Test("the analytic gradient through the recursion matches central finite differences to 1e-6 relative")
    func gradientMatchesFiniteDifferences() {
        let histories = Self.simulate(Self.truth, customers: 300, periods: 8, seed: 7)
        let at = [-0.7, 1.3, 0.4, 0.2, 0.9, -0.5, 0.25]
        let analytic = SatisfactionModel.objective(at, histories: histories, l2Penalty: 0.01).gradient
        for j in at.indices {
            let h = 1e-5
            var up = at, down = at
            up[j] += h
            down[j] -= h
            let numeric = (SatisfactionModel.objective(up, histories: histories, l2Penalty: 0.01).value
                - SatisfactionModel.objective(down, histories: histories, l2Penalty: 0.01).value) / (2 * h)
            // Central differences are accurate to O(h²) ≈ 1e-10 here; 1e-6 relative leaves room for rounding.
            #expect(abs(numeric - analytic[j]) <= 1e-6 * max(1e-3, abs(numeric)), "parameter \(SatisfactionModel.parameterNames[j]): \(analytic[j]) vs \(numeric)")
        }
    }

    @Test("the fitted weights lower the training objective below the initial weights' and below the true weights'")
    func fitImprovesObjective() throws {
        let histories = Self.simulate(Self.truth, customers: 4_000, periods: 12, seed: 11)
        let fit = try SatisfactionModel.fit(histories, options: SatisfactionOptions(l2Penalty: 1e-4))
        #expect(fit.objective < fit.initialObjective - 0.01, "\(fit.initialObjective) → \(fit.objective)")
        #expect(fit.logLoss < fit.initialLogLoss)
        // A minimiser of the penalised objective is at least as good as the parameters that generated the data.
        let atTruth = SatisfactionModel.objective(Self.truth.vector, histories: histories, l2Penalty: 1e-4)
        #expect(fit.objective <= atTruth.value + 1e-9, "fit \(fit.objective), truth \(atTruth.value)")
        // With 4,000 customers the weights are near the truth (loose: a sampling error of a few tenths
        // at most for the least determined weight).
        for (j, name) in SatisfactionModel.parameterNames.enumerated() where name != "initial_logit" {
            #expect(abs(fit.model.vector[j] - Self.truth.vector[j]) < 0.5, "\(name): \(fit.model.vector[j]) vs \(Self.truth.vector[j])")
        }
        let gradient = SatisfactionModel.objective(fit.model.vector, histories: histories, l2Penalty: 1e-4).gradient
        #expect(gradient.allSatisfy { abs($0) < 1e-5 }, "\(gradient)")
    }

    @Test("the fit refuses histories with no pair or a single outcome")
    func fitRefusesDegenerateData() {
        var none = SatisfactionHistories(periods: 2)
        none.append(start: 1, entries: [(1, [log(2), 0, 0, 0])])
        #expect(throws: LearningError.self) { try SatisfactionModel.fit(none) }
        var same = SatisfactionHistories(periods: 3)
        same.append(start: 0, entries: [(0, [log(2), 0, 0, 0])])
        #expect(throws: LearningError.self) { try SatisfactionModel.fit(same) }
    }

    @Test("the weights round-trip through the parameter tensors; a missing tensor or another kind is refused")
    func parametersRoundTrip() throws {
        let model = Self.truth
        let parameters = model.encodeParameters()
        #expect(parameters.kind == "satisfaction_recursion")
        #expect(parameters.tensors.map(\.name) == ["bias", "w_state", "w_purchases", "w_interactions", "w_review", "w_returns", "initial_logit"])
        #expect(parameters.tensors.allSatisfy { $0.shape == [] })
        #expect(try SatisfactionModel(parameters: parameters) == model)
        var missing = parameters
        missing.tensors.removeLast()
        #expect(throws: LearningError.self) { try SatisfactionModel(parameters: missing) }
        #expect(throws: LearningError.self) { try SatisfactionModel(parameters: ModelParameters(kind: "kmeans", tensors: parameters.tensors)) }
    }
}
