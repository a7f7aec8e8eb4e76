import Foundation
import Learning
import PostgresStore

/// Lifetime value on PostgreSQL: `train clv` and `score clv` run the SQLite file's code
/// (`LifetimeEngine`: the same fit, holdout, snapshot and promotion rule) on the purchases
/// `sql/postgres/clv_purchases.sql` sums per customer and day on the workers, and a scoring run
/// goes back in bulk through COPY into `predictions` and `clv_predictions`, which sit with their
/// customers on the workers.
extension PostgresWarehouse: LifetimeEngine {
    /// The purchases of known customers on or before `lastDay` (a day number in the reporting
    /// zone, as on the file), one per customer and day, in `currency`; nil:
    /// the one currency of the purchases and returns before the day after, and a
    /// `CurrencyError` listing them when there are several. With a `scope`, only its customers'
    /// (`customers(in:asOf:)`, as on the file).
    public func lifetimePurchases(through lastDay: Int64, currency: String? = nil,
                                  scope: CustomerScope = CustomerScope()) throws -> LifetimePurchases {
        let users = try customers(in: scope, asOf: try instantAfter(day: lastDay))
        let code = try moneyCurrency(currency, before: try instantAfter(day: lastDay))
        let zone = try reportingTimeZone()
        guard let sql = SQLCatalog.postgresQuery("clv_purchases") else { preconditionFailure("sql/postgres/clv_purchases.sql is not embedded") }
        // Streamed: one compact Purchase per customer-day is kept, never the rows themselves.
        var purchases: [Purchase] = []
        try db.forEachRow(sql, named: [
            "last_day": .text(CalendarDate.day(lastDay * 86_400)),
            "zone": ReportingOffsets.isUTC(zone) ? .null : .text(zone.identifier),
            "currency": code.filter.map(PGValue.text) ?? .null,
        ]) { row in
            if let users, !users.contains(row[0].int64 ?? 0) { return }
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

    /// The day (in the reporting zone) of the last purchase of a known customer in `currency`, nil without one;
    /// with several currencies and none given, a `CurrencyError` listing them.
    public func lastPurchaseDay(currency: String? = nil) throws -> Int64? {
        let code = try moneyCurrency(currency, before: nil)
        guard let last = try db.scalar("""
            SELECT max(ordered_at) FROM orders WHERE kind = 'purchase' AND user_id IS NOT NULL AND ($1::text IS NULL OR currency = $1::text)
            """, [code.filter.map(PGValue.text) ?? .null]).int64 else {
            return nil
        }
        return AnalyticsScope.day(of: last, in: try reportingTimeZone())
    }

    /// Stores `scores` under `snapshot` as of `asOf`: the lifetime value in `predictions`,
    /// everything in `clv_predictions`, in bulk (COPY) in user order, replacing that run's
    /// earlier rows (only those of `only`'s users when given), in one transaction.
    public func saveLifetimeScores(_ scores: [LifetimeScore], snapshot: ModelSnapshot, asOf: Int64, only: Set<Int64>?) throws {
        var predictions = PostgresScoringRun(table: "predictions", columns: ["score"])
        var details = PostgresScoringRun(table: "clv_predictions", columns: LifetimeScore.storedColumns)
        for score in scores.sorted(by: { $0.userID < $1.userID }) {
            try predictions.add(snapshot: snapshot, asOf: asOf, userID: score.userID, [.real(score.lifetimeValue)])
            try details.add(snapshot: snapshot, asOf: asOf, userID: score.userID, score.storedValues.map(Self.value))
        }
        try replaceScoringRuns(snapshot: snapshot, asOf: asOf, only: only, [predictions, details])
    }
}
