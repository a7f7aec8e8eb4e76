import Foundation
import Learning
import SQLiteStore

/// One customer's lifetime-value prediction and the summary it was made from.
public struct LifetimeScore: Sendable, Equatable {
    public let userID: Int64
    public let externalID: String
    /// x, tₓ, T (in the model's period) and m̄ at the end of observation.
    public let summary: CustomerSummary
    /// Over the model's horizon.
    public let expectedPurchases: Double
    public let probabilityAlive: Double
    /// Gamma-Gamma E[M | x, m̄] (the population mean for customers without repeat purchases).
    public let expectedOrderValue: Double
    /// Discounted, over the model's horizon.
    public let lifetimeValue: Double
}

extension LifetimeEngine {
    /// Predicts for every customer with a purchase before `asOf` (a date's midnight: the
    /// calibration period ends the day before, in the reporting time zone), highest lifetime
    /// value first (ties by user id). Stores nothing.
    public func lifetimeScores(_ stored: LifetimeModel, asOf: Int64) throws -> [LifetimeScore] {
        let observationEnd = LifetimeCalendar.day(ofDate: asOf) - 1
        let summaries = try lifetimePurchases(through: observationEnd, currency: stored.currency, scope: CustomerScope()).summaries(observationEnd: observationEnd, period: stored.period)
        let external = try customerIDs()
        let horizon = Double(stored.horizonMonths) * stored.period.periodsPerMonth
        let model = stored.model
        return summaries.map { summary in
            let history = summary.purchaseHistory
            // The model's own E[M | x, m̄] for everyone, repeat buyers whose repeat purchases were
            // worth 0.00 included (the fit leaves them out only because its likelihood needs
            // log m̄); it is the population mean for x = 0 alone (docs/LEARNING.md).
            let spend = summary.spendHistory
            let userID = Int64(summary.customer)
            return LifetimeScore(
                userID: userID, externalID: external[userID] ?? String(userID), summary: summary,
                expectedPurchases: model.purchases.expectedPurchases(in: horizon, given: history),
                probabilityAlive: model.purchases.probabilityAlive(given: history),
                expectedOrderValue: model.spend.conditionalExpectedAverageValue(spend),
                lifetimeValue: model.discountedValue(history: history, spendHistory: spend, months: stored.horizonMonths,
                                                     monthlyDiscountRate: stored.monthlyDiscountRate,
                                                     periodsPerMonth: stored.period.periodsPerMonth))
        }
        .sorted { $0.lifetimeValue > $1.lifetimeValue || ($0.lifetimeValue == $1.lifetimeValue && $0.userID < $1.userID) }
    }
}

extension LifetimeEngine {
    /// Scores with a stored lifetime-value snapshot and records the result in one transaction:
    /// the lifetime value in `predictions`, everything in `clv_predictions` (replacing that
    /// snapshot's earlier run for the same as-of). With `users`, only those customers are scored,
    /// stored and returned; the run's other rows stay.
    public func scoreLifetimeValue(_ snapshot: ModelSnapshot, asOf: Int64, users: Set<Int64>? = nil) throws -> [LifetimeScore] {
        let scores = try lifetimeScores(try lifetimeModel(snapshot), asOf: asOf).filter { users?.contains($0.userID) ?? true }
        try saveLifetimeScores(scores, snapshot: snapshot, asOf: asOf, only: users)
        return scores
    }
}

extension Warehouse {
    /// Stores `scores` under `snapshot` as of `asOf`: the lifetime value in `predictions`,
    /// everything in `clv_predictions`, replacing that run's earlier rows (only those of
    /// `only`'s users when given), in one transaction.
    public func saveLifetimeScores(_ scores: [LifetimeScore], snapshot: ModelSnapshot, asOf: Int64, only: Set<Int64>?) throws {
        try registryTransaction {
            try savePredictions(snapshot: snapshot, asOf: asOf, scores: scores.map { (userID: $0.userID, score: $0.lifetimeValue) }, only: only)
            try replaceScoringRun(
                "clv_predictions",
                columns: LifetimeScore.storedColumns,
                snapshot: snapshot, asOf: asOf,
                rows: scores.lazy.map { ScoringRow(userID: $0.userID, values: $0.storedValues) }, only: only)
        }
    }
}

extension LifetimeScore {
    /// The `clv_predictions` columns a score fills, on either engine.
    static let storedColumns = ["frequency", "recency", "age", "monetary_value", "expected_purchases", "probability_alive",
                                "expected_order_value", "lifetime_value"]

    /// The values of `storedColumns`, in order.
    var storedValues: [SQLValue] {
        [.integer(Int64(summary.frequency)), .real(summary.recency), .real(summary.age), .real(summary.monetaryValue),
         .real(expectedPurchases), .real(probabilityAlive), .real(expectedOrderValue), .real(lifetimeValue)]
    }
}
