import Foundation

/// The per-period signals the satisfaction recursion reads, already transformed (the warehouse
/// builds them from orders and events; docs/satisfaction.md):
/// usage U(t) = (ln(1 + purchases), ln(1 + views + add-to-carts)) and
/// quality Q(t) = ((mean review score − 3) / 2, 0 without a review; ln(1 + returns)).
public enum SatisfactionInput: Int, CaseIterable, Sendable {
    case purchases = 0
    case interactions = 1
    case review = 2
    case returns = 3

    /// How many inputs a period has.
    public static let count = 4

    /// The names used in the weights (`w_<name>`) and in documentation.
    public var name: String {
        switch self {
        case .purchases: "purchases"
        case .interactions: "interactions"
        case .review: "review"
        case .returns: "returns"
        }
    }
}

/// Every customer's periods in sparse form: only periods with some signal are stored, because
/// most customer-periods are empty and an empty period's inputs are all 0. Customer `c`'s history
/// starts at period `starts[c]` (its first period with any activity, or `periods` for none);
/// its stored periods are `entryPeriods[offsets[c] ..< offsets[c + 1]]` (ascending, each at
/// or after the start) with four inputs each in `entryInputs`.
public struct SatisfactionHistories: Sendable, Equatable {
    /// Number of periods of the grid (period `periods − 1` ends at the as-of).
    public let periods: Int
    public private(set) var starts: [Int] = []
    public private(set) var offsets: [Int] = [0]
    public private(set) var entryPeriods: [Int32] = []
    public private(set) var entryInputs: [Double] = []

    /// An empty set of histories on a grid of `periods` periods.
    public init(periods: Int) {
        precondition(periods >= 1, "a history needs at least one period")
        self.periods = periods
    }

    /// Number of customers.
    public var count: Int { starts.count }

    /// Adds a customer whose history starts at `start` with `entries` (period, inputs) in
    /// ascending period order, each inside [start, periods).
    public mutating func append(start: Int, entries: [(period: Int, inputs: [Double])]) {
        precondition(start >= 0 && start <= periods, "start \(start) outside 0...\(periods)")
        var previous = start - 1
        for entry in entries {
            precondition(entry.period > previous && entry.period < periods, "periods must ascend inside [start, periods)")
            precondition(entry.inputs.count == SatisfactionInput.count, "a period has \(SatisfactionInput.count) inputs")
            previous = entry.period
            entryPeriods.append(Int32(entry.period))
            entryInputs += entry.inputs
        }
        starts.append(start)
        offsets.append(entryPeriods.count)
    }

    /// Whether customer `c` bought in `period` (its `purchases` input is positive).
    public func purchased(_ c: Int, in period: Int) -> Bool {
        for k in offsets[c]..<offsets[c + 1] where Int(entryPeriods[k]) == period {
            return entryInputs[k * SatisfactionInput.count] > 0
        }
        return false
    }

    /// Customer `c`'s inputs per period from its start to the last period (zeros where nothing happened).
    public func dense(_ c: Int) -> [[Double]] {
        var rows = [[Double]](repeating: [Double](repeating: 0, count: SatisfactionInput.count), count: periods - starts[c])
        for k in offsets[c]..<offsets[c + 1] {
            let base = k * SatisfactionInput.count
            rows[Int(entryPeriods[k]) - starts[c]] = Array(entryInputs[base..<base + SatisfactionInput.count])
        }
        return rows
    }
}

/// The satisfaction score: per customer and period,
///
///     S(t) = σ(b + w_s · S(t−1) + w_purchases · U₁(t) + w_interactions · U₂(t)
///                 + w_review · Q₁(t) + w_returns · Q₂(t)),
///
/// with S(start − 1) = σ(initial_logit) before the customer's first period with activity and σ
/// the logistic function. Its weights are fitted (``fit(_:from:options:)``) so that S(t) is the
/// probability of a purchase in period t + 1; docs/satisfaction.md.
public struct SatisfactionModel: Sendable, Equatable {
    /// b.
    public var bias: Double
    /// w_s, the weight of the previous score.
    public var stateWeight: Double
    /// w_purchases, w_interactions, w_review, w_returns (``SatisfactionInput`` order).
    public var inputWeights: [Double]
    /// σ(initial_logit) is S before the first period.
    public var initialLogit: Double

    public init(bias: Double, stateWeight: Double, inputWeights: [Double], initialLogit: Double) {
        precondition(inputWeights.count == SatisfactionInput.count, "\(SatisfactionInput.count) input weights")
        self.bias = bias
        self.stateWeight = stateWeight
        self.inputWeights = inputWeights
        self.initialLogit = initialLogit
    }

    /// The documented starting point of the fit: an uninformed prior where every signal counts
    /// positively except returns, and the previous score carries over (docs/satisfaction.md).
    public static let initial = SatisfactionModel(bias: -1, stateWeight: 1, inputWeights: [1, 0.5, 1, -1], initialLogit: 0)

    /// The parameters as one vector: b, w_s, four input weights, initial_logit.
    public var vector: [Double] { [bias, stateWeight] + inputWeights + [initialLogit] }

    /// The model with the parameters of ``vector``.
    public init(vector: [Double]) {
        precondition(vector.count == 3 + SatisfactionInput.count, "\(3 + SatisfactionInput.count) parameters")
        self.init(bias: vector[0], stateWeight: vector[1], inputWeights: Array(vector[2..<2 + SatisfactionInput.count]),
                  initialLogit: vector[2 + SatisfactionInput.count])
    }

    /// The parameter names in ``vector`` order (the tensor names of the stored weights).
    public static let parameterNames = ["bias", "w_state"] + SatisfactionInput.allCases.map { "w_\($0.name)" } + ["initial_logit"]

    /// One step of the recursion: S(t) from S(t−1) and the period's inputs.
    @inline(__always)
    public func step(previous: Double, inputs: ArraySlice<Double>) -> Double {
        var z = bias + stateWeight * previous
        for (weight, input) in zip(inputWeights, inputs) { z += weight * input }
        return logistic(z)
    }

    /// S before the first period with activity.
    public var initialScore: Double { logistic(initialLogit) }

    /// Customer `c`'s scores S(start) … S(periods − 1) (empty when it has no activity).
    public func trajectory(_ histories: SatisfactionHistories, customer c: Int) -> [Double] {
        var scores: [Double] = []
        var s = initialScore
        var k = histories.offsets[c]
        let zeros = [Double](repeating: 0, count: SatisfactionInput.count)[...]
        for t in histories.starts[c]..<histories.periods {
            if k < histories.offsets[c + 1], Int(histories.entryPeriods[k]) == t {
                s = step(previous: s, inputs: histories.entryInputs[(k * SatisfactionInput.count)..<((k + 1) * SatisfactionInput.count)])
                k += 1
            } else {
                s = step(previous: s, inputs: zeros)
            }
            scores.append(s)
        }
        return scores
    }

    /// Every customer's score at the end of the last period (S(periods − 1)); the initial score for
    /// a customer without activity.
    public func finalScores(_ histories: SatisfactionHistories) -> [Double] {
        (0..<histories.count).map { trajectory(histories, customer: $0).last ?? initialScore }
    }
}
