import Foundation
import Learning
import PostgresStore

/// Lifetime value on PostgreSQL: `train clv` and `score clv` run the SQLite file's code
/// (`LifetimeEngine`: the same fit, holdout, snapshot and promotion rule) on the purchases
/// `sql/postgres/clv_purchases.sql` sums per customer and day on the workers, and a scoring run
/// goes back in bulk through COPY into `predictions` and `clv_predictions`, which sit with their
/// customers on the workers.
extension PostgresWarehouse: LifetimeEngine {
    /// The purchases of known customers on or before `lastDay` (UTC day number: a PostgreSQL
    /// warehouse keeps no reporting zone yet), one per customer and day, in `currency`; nil:
    /// the one currency of the purchases and returns before the day after, and a
    /// `CurrencyError` listing them when there are several. A customer scope is refused by name.
    public func lifetimePurchases(through lastDay: Int64, currency: String? = nil,
                                  scope: CustomerScope = CustomerScope()) throws -> LifetimePurchases {
        guard scope.isEveryone else {
            throw AnalyticsError.invalidOption(option: "--country/--since/--until", reason: "lifetime value for part of the customers is not supported on PostgreSQL yet")
        }
        let code = try moneyCurrency(currency, before: try instantAfter(day: lastDay))
        let zone = reportingTimeZone()
        guard let sql = SQLCatalog.postgresQuery("clv_purchases") else { preconditionFailure("sql/postgres/clv_purchases.sql is not embedded") }
        // Streamed: one compact Purchase per customer-day is kept, never the rows themselves.
        var purchases: [Purchase] = []
        try db.forEachRow(sql, named: [
            "last_day": .text(CalendarDate.day(lastDay * 86_400)),
            "zone": ReportingOffsets.isUTC(zone) ? .null : .text(zone.identifier),
            "currency": code.filter.map(PGValue.text) ?? .null,
        ]) { row in
            purchases.append(Purchase(customer: Int(row[0].int64 ?? 0), day: Int(row[1].int64 ?? 0),
                                      value: Double(row[2].int64 ?? 0) / 1_000_000))
        }
        return LifetimePurchases(lastDay: lastDay, currency: code.currency, purchases: purchases)
    }

    /// Every user's external id by `users.id`.
    public func customerIDs() throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        try db.forEachRow("SELECT id, external_id FROM users", named: [:]) { row in
            names[row[0].int64 ?? 0] = row[1].string ?? ""
        }
        return names
    }

    /// The day (UTC) of the last purchase of a known customer in `currency`, nil without one;
    /// with several currencies and none given, a `CurrencyError` listing them.
    public func lastPurchaseDay(currency: String? = nil) throws -> Int64? {
        let code = try moneyCurrency(currency, before: nil)
        guard let last = try db.scalar("""
            SELECT max(ordered_at) FROM orders WHERE kind = 'purchase' AND user_id IS NOT NULL AND ($1::text IS NULL OR currency = $1::text)
            """, [code.filter.map(PGValue.text) ?? .null]).int64 else {
            return nil
        }
        return LifetimeCalendar.day(ofDate: last)
    }

    /// Scores with a stored lifetime-value snapshot and records the run in one transaction: the
    /// lifetime value in `predictions`, everything in `clv_predictions`, replacing that
    /// snapshot's earlier run for the same as-of. Rows go in bulk (COPY), in user order.
    public func scoreLifetimeValue(_ snapshot: ModelSnapshot, asOf: Int64) throws -> [LifetimeScore] {
        let scores = try lifetimeScores(try lifetimeModel(snapshot), asOf: asOf)
        var predictions = PostgresScoringRun(table: "predictions", columns: ["score"])
        var details = PostgresScoringRun(table: "clv_predictions", columns: [
            "frequency", "recency", "age", "monetary_value", "expected_purchases", "probability_alive", "expected_order_value", "lifetime_value",
        ])
        for score in scores.sorted(by: { $0.userID < $1.userID }) {
            let s = score.summary
            try predictions.add(snapshot: snapshot, asOf: asOf, userID: score.userID, [.real(score.lifetimeValue)])
            try details.add(snapshot: snapshot, asOf: asOf, userID: score.userID, [
                .integer(Int64(s.frequency)), .real(s.recency), .real(s.age), .real(s.monetaryValue), .real(score.expectedPurchases),
                .real(score.probabilityAlive), .real(score.expectedOrderValue), .real(score.lifetimeValue),
            ])
        }
        try replaceScoringRuns(snapshot: snapshot, asOf: asOf, [predictions, details])
        return scores
    }
}
