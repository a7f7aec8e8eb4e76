import Foundation
import PostgresStore

/// `lifecycle features build` on PostgreSQL: the same `user_features` rows and `feature_builds`
/// row as `Warehouse.buildFeatures`, computed in the database by one INSERT ... SELECT of
/// `sql/postgres/user_features.sql` (sql/user_features.sql's definitions). On Citus the features
/// are co-located with the customer's orders and events, so each worker computes and writes its
/// own shards and nothing but the counts comes back. The same rules as on SQLite: only facts
/// before the as-of, the as-of's old rows replaced in the same transaction (a rebuild is
/// idempotent), and orders before the as-of in one currency.
extension PostgresWarehouse {
    /// Builds (or rebuilds) the point-in-time features of every user with a purchase before
    /// `asOf`. Throws `CurrencyError.several` as SQLite does when the customers' orders before
    /// `asOf` are in several currencies, and `FeatureBuildError` when a money total leaves the
    /// 64-bit range. Waits for a running import (the writers' advisory lock) before it checks
    /// anything, so a build sees whole imports and two builds of one as-of take turns.
    @discardableResult
    public func buildFeatures(asOf: Int64) throws -> FeatureBuild {
        let started = Date()
        let at: [PGValue] = [.integer(asOf)]
        let users: Int = try db.transaction {
            try db.query("SELECT pg_advisory_xact_lock($1)", [.integer(PostgresImportLedger.lockKey)])
            try requireOneCurrency(before: asOf)
            try db.query("DELETE FROM user_features WHERE as_of = $1", at)
            do {
                try db.query(Self.insertFeatures, named: ["as_of": .integer(asOf)])
            } catch let error as PostgresStoreError where error.sqlState == "22003" {
                throw FeatureBuildError(description: "features: integer overflow in a money total")
            }
            let users = try db.scalar("SELECT count(*) FROM user_features WHERE as_of = $1", at).int64 ?? 0
            let orders = try db.scalar("SELECT count(*) FROM orders WHERE ordered_at < $1", at).int64 ?? 0
            let events = try db.scalar("SELECT count(*) FROM events WHERE occurred_at < $1", at).int64 ?? 0
            try db.query("""
                INSERT INTO feature_builds (as_of, built_at, users, orders_before, events_before, seconds) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (as_of) DO UPDATE SET built_at = excluded.built_at, users = excluded.users,
                    orders_before = excluded.orders_before, events_before = excluded.events_before, seconds = excluded.seconds
                """, [.integer(asOf), .integer(Int64(Date().timeIntervalSince1970)), .integer(users), .integer(orders),
                      .integer(events), .real(Date().timeIntervalSince(started))])
            return Int(users)
        }
        return FeatureBuild(asOf: asOf, users: users, seconds: Date().timeIntervalSince(started))
    }

    /// Builds the features as of `asOf` unless that as-of was built before (SQLite's
    /// `buildFeaturesIfMissing`).
    func buildFeaturesIfMissing(asOf: Int64) throws {
        if try db.scalar("SELECT count(*) FROM feature_builds WHERE as_of = $1", [.integer(asOf)]).int64 == 0 {
            try buildFeatures(asOf: asOf)
        }
    }

    /// Builds features for every as-of from `from` to `to` (inclusive) in steps of `every`.
    public func buildFeatures(from: Int64, to: Int64, every step: CalendarDate.Step,
                              progress: ((FeatureBuild, _ done: Int, _ total: Int) -> Void)? = nil) throws -> [FeatureBuild] {
        try FeatureSchedule.run(from: from, to: to, every: step, progress: progress) { try buildFeatures(asOf: $0) }
    }

    /// SQLite's rule (`Warehouse.requireOneCurrency`): with several currencies in the warehouse,
    /// the purchases and returns of known customers before `asOf` (`sql/postgres/order_currencies.sql`)
    /// must be in exactly one; otherwise `CurrencyError.several` lists theirs (the warehouse's
    /// when they have none).
    public func requireOneCurrency(before asOf: Int64) throws {
        _ = try moneyCurrency(nil, before: asOf)
    }

    /// The columns of `user_features` after `as_of`, as `sql/postgres/user_features.sql` names them.
    private static let featureColumns = [
        "user_id", "recency_days", "frequency", "monetary_micros", "tenure_days", "avg_order_value_micros",
        "orders_30d", "orders_90d", "orders_365d", "revenue_30d_micros", "revenue_90d_micros", "revenue_365d_micros",
        "mean_days_between_orders", "sd_days_between_orders", "returns_count", "return_share", "distinct_products",
        "views_30d", "carts_30d", "purchase_events_30d", "reviews_30d", "days_since_last_event", "avg_review_score", "country",
    ]

    /// One build's INSERT ... SELECT: the query's rows under their as-of. On Citus the target is
    /// co-located with the tables read and filled from their distribution column, so the
    /// statement is pushed down to the workers whole.
    private static let insertFeatures: String = {
        guard let text = SQLCatalog.postgresQuery("user_features"), let query = PGConnection.statements(in: text).first else {
            preconditionFailure("sql/postgres/user_features.sql is not embedded")
        }
        return """
            INSERT INTO user_features (as_of, \(featureColumns.joined(separator: ", ")))
            SELECT CAST(:as_of AS bigint), \(featureColumns.map { "f." + $0 }.joined(separator: ", "))
            FROM (\(query)
            ) AS f
            """
    }()
}
