import Foundation
import SQLiteStore

/// What one feature build wrote.
public struct FeatureBuild: Sendable, Equatable {
    public let asOf: Int64
    public let users: Int
    public let seconds: Double
}

extension Warehouse {
    /// Builds (or rebuilds) the point-in-time features of every user with a purchase before
    /// `asOf`, as `sql/user_features.sql` defines them, computed by one pass over each table
    /// (`FeatureScan`): the old rows of that as-of are replaced in the same transaction, so a
    /// rebuild is idempotent and a build after new imports brings it up to date. The features
    /// add up money, so the orders before `asOf` must be in one currency (`requireOneCurrency`).
    @discardableResult
    public func buildFeatures(asOf: Int64) throws -> FeatureBuild {
        try requireOneCurrency(before: asOf)
        let started = Date()
        let users: Int = try db.transaction(.immediate) {
            var scan = try FeatureScan(db: db, asOf: asOf)
            try scan.run()
            try db.run("DELETE FROM user_features WHERE as_of = ?", asOf)
            let users = try writeFeatures(scan.tallies, asOf: asOf)
            let orders = try db.scalar("SELECT count(*) FROM orders WHERE ordered_at < ?", asOf).int64 ?? 0
            let events = try db.scalar("SELECT count(*) FROM events WHERE occurred_at < ?", asOf).int64 ?? 0
            try db.run("""
                INSERT INTO feature_builds (as_of, built_at, users, orders_before, events_before, seconds) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (as_of) DO UPDATE SET built_at = excluded.built_at, users = excluded.users,
                    orders_before = excluded.orders_before, events_before = excluded.events_before, seconds = excluded.seconds
                """, asOf, Int64(Date().timeIntervalSince1970), users, orders, events, Date().timeIntervalSince(started))
            return users
        }
        return FeatureBuild(asOf: asOf, users: users, seconds: Date().timeIntervalSince(started))
    }

    /// Inserts one `user_features` row per customer in `tallies` (indexed by user id), in user
    /// order; returns how many.
    private func writeFeatures(_ tallies: [UserFeatureTally], asOf: Int64) throws -> Int {
        let insert = try db.prepare("""
            INSERT INTO user_features (as_of, user_id, recency_days, frequency, monetary_micros, tenure_days,
                avg_order_value_micros, orders_30d, orders_90d, orders_365d, revenue_30d_micros, revenue_90d_micros,
                revenue_365d_micros, mean_days_between_orders, sd_days_between_orders, returns_count, return_share,
                distinct_products, views_30d, carts_30d, purchase_events_30d, reviews_30d, days_since_last_event,
                avg_review_score, country)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24,
                (SELECT country FROM users WHERE id = ?2))
            """)
        var written = 0
        for (user, tally) in tallies.enumerated() where tally.isCustomer {
            insert.bind(int64: asOf, at: 1)
            insert.bind(int64: Int64(user), at: 2)
            for (offset, value) in try tally.features(asOf: asOf).enumerated() {
                let index = Int32(offset + 3)
                switch value {
                case .integer(let v): insert.bind(int64: v, at: index)
                case .real(let v): try insert.bind(.real(v), at: index)
                case .null: insert.bindNull(at: index)
                }
            }
            try insert.step()
            insert.reset()
            written += 1
        }
        return written
    }

    /// Builds features for every as-of from `from` to `to` (inclusive) in steps of `every`.
    public func buildFeatures(from: Int64, to: Int64, every step: CalendarDate.Step,
                              progress: ((FeatureBuild, _ done: Int, _ total: Int) -> Void)? = nil) throws -> [FeatureBuild] {
        try FeatureSchedule.run(from: from, to: to, every: step, progress: progress) { try buildFeatures(asOf: $0) }
    }

    /// Builds the features as of `asOf` unless that as-of was built before: what a model that
    /// reads `user_features` does first.
    func buildFeaturesIfMissing(asOf: Int64) throws {
        if try db.scalar("SELECT count(*) FROM feature_builds WHERE as_of = ?", asOf).int64 == 0 {
            try buildFeatures(asOf: asOf)
        }
    }

    /// The instant just after the last order (in `currency` when given; the default as-of:
    /// nothing is left out), rounded up to the next midnight UTC; nil when there are no orders.
    public func dayAfterLastOrder(currency: String? = nil) throws -> Int64? {
        if currency != nil { _ = try useCurrency(currency, asOf: nil, since: nil, country: nil) }
        defer { try? endCurrencyFilter() }
        guard let last = try db.scalar("SELECT max(ordered_at) FROM orders").int64 else { return nil }
        return (last / 86_400 + 1) * 86_400
    }
}
