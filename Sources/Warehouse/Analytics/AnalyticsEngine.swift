import Foundation

/// The analytics questions both engines answer, with the same answers for the same options:
/// `Warehouse` (the SQLite file) and `PostgresWarehouse` (PostgreSQL, with or without Citus).
/// What is built from them (the report, the `--by` breakdowns) is written once against this.
public protocol AnalyticsEngine {
    /// The RFM segment summary and score thresholds.
    func rfmSummary(_ options: RFMOptions) throws -> RFMSummary
    /// Cohort retention: the triangle and the curve.
    func retention(_ options: RetentionOptions) throws -> RetentionTriangle
    /// Active users, lifecycle states, first purchases and revenue per period.
    func activity(_ options: ActivityOptions) throws -> ActivityReport
    /// Every country a customer has, in byte order (the groups of `--by country`).
    func breakdownCountries() throws -> [String]
    /// Customers with no country, who fall in no group of `--by country`.
    func customersWithoutCountry() throws -> Int
    /// The groups of `--by rfm-segment`: every customer's segment as of `scope`'s as-of (from
    /// every order before it), in the segments' display order, each with its customers' ids.
    func breakdownRFMSegments(_ scope: AnalyticsScope) throws -> [(segment: String, users: Set<Int64>)]
}

extension Warehouse: AnalyticsEngine {}
extension PostgresWarehouse: AnalyticsEngine {}
