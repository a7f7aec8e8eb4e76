import Foundation
import Learning

/// What a BG/NBD model says about a customer of each frequency and recency (lifetimes'
/// `plot_frequency_recency_matrix` and `plot_probability_alive_matrix`): rows are repeat
/// purchases x, columns recency tₓ, every cell for a customer as old as the oldest customer of
/// the calibration period (T = the largest age), as lifetimes draws it.
struct FrequencyRecencyMatrix: Sendable, Equatable {
    struct Cell: Sendable, Equatable {
        /// E[purchases in the next `horizon` | x, tₓ, T].
        let expectedPurchases: Double
        let probabilityAlive: Double
    }

    /// Repeat purchases of each row (every value up to 24 rows, else steps of the tick rule up to
    /// the 99th percentile of the customers' frequencies).
    let frequencies: [Int]
    /// Recency of each column in the model's period (ticks of the tick rule from 0 to T).
    let recencies: [Double]
    /// The age T every cell is for, in the model's period.
    let age: Double
    /// Length of "the next period" of the expected purchases: one period of the model.
    let horizon: Double
    let period: SummaryPeriod
    /// cells[row][column]; nil where no customer can be: x = 0 has tₓ = 0 only, and x repeat
    /// purchases on distinct days need tₓ of at least x days.
    let cells: [[Cell?]]

    init(model: BGNBDModel, summaries: [CustomerSummary], period: SummaryPeriod) {
        let age = summaries.map(\.age).max() ?? 1
        let sorted = summaries.map(\.frequency).sorted()
        let p99 = sorted.isEmpty ? 1 : max(1, sorted[Int(Double(sorted.count - 1) * 0.99)])
        let frequencies = p99 < 24 ? Array(0...p99) : AxisScale(covering: 0, Double(p99), maxTicks: 24, integer: true).ticks.map { Int($0) }
        let recencies = AxisScale(covering: 0, age, maxTicks: 27, integer: true).ticks.filter { $0 <= age }
        self.frequencies = frequencies
        self.recencies = recencies
        self.age = age
        self.horizon = 1
        self.period = period
        cells = frequencies.map { x in
            recencies.map { recency in
                guard Self.possible(frequency: x, recency: recency, period: period) else { return nil }
                let history = PurchaseHistory(frequency: x, recency: recency, age: age)
                return Cell(expectedPurchases: model.expectedPurchases(in: 1, given: history),
                            probabilityAlive: model.probabilityAlive(given: history))
            }
        }
    }

    static func possible(frequency x: Int, recency: Double, period: SummaryPeriod) -> Bool {
        x == 0 ? recency == 0 : recency * period.days >= Double(x)
    }
}
