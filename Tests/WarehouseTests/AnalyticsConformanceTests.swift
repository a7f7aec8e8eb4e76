import Foundation
import Testing
@testable import Warehouse

/// RFM segments and the monthly retention triangle of the real Online Retail data, against
/// numbers computed independently with pandas from the raw CSV by bench/reference/online_retail.py
/// (same definitions, no warehouse code; docs/QUERIES.md says how).
@Suite struct AnalyticsConformanceTests {
    static let onlineRetail = SharedData.path("online-retail/online_retail.csv.gz")

    // python3 bench/reference/online_retail.py ../shared/data/online-retail/online_retail.csv.gz
    // as of 2011-12-10 00:00:00, 4339 customers, net revenue 8310477054000 micros
    static let segments: [String: Int] = [
        "About To Sleep": 353,
        "At Risk": 598,
        "Can't Lose Them": 64,
        "Champions": 649,
        "Hibernating": 1074,
        "Loyal Customers": 796,
        "Need Attention": 191,
        "New Customers": 39,
        "Potential Loyalists": 477,
        "Promising": 98,
    ]
    /// Sum over customers of customer id x RFM code (e.g. 17850 x 545): every customer's three scores.
    static let scoreFingerprint = 22_092_014_732
    static let triangle: [(cohort: String, counts: [Int64])] = [
        ("2010-12", [885, 324, 286, 340, 321, 352, 321, 309, 313, 350, 331, 445, 235]),
        ("2011-01", [417, 92, 111, 96, 134, 120, 103, 101, 125, 136, 152, 49]),
        ("2011-02", [380, 71, 71, 108, 103, 94, 96, 106, 94, 116, 26]),
        ("2011-03", [452, 68, 114, 90, 101, 76, 121, 104, 126, 39]),
        ("2011-04", [300, 64, 61, 63, 59, 68, 65, 78, 22]),
        ("2011-05", [284, 54, 49, 49, 59, 66, 75, 27]),
        ("2011-06", [242, 42, 38, 64, 56, 81, 23]),
        ("2011-07", [188, 34, 39, 42, 51, 21]),
        ("2011-08", [169, 35, 42, 41, 21]),
        ("2011-09", [299, 70, 90, 34]),
        ("2011-10", [358, 86, 41]),
        ("2011-11", [324, 36]),
        ("2011-12", [41]),
    ]

    @Test(.enabled(if: onlineRetail != nil, "skipped: ../shared/data/online-retail/online_retail.csv.gz is not present"))
    func onlineRetailSegmentsAndMonthlyTriangle() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(Self.onlineRetail!, options: orderOptions(.onlineRetail))

        let summary = try warehouse.rfmSummary(RFMOptions())
        #expect(summary.scope.asOf == AnalyticsFixture.at("2011-12-10"))
        #expect(summary.customers == 4_339)
        #expect(summary.revenueMicros == 8_310_477_054_000)
        #expect(Dictionary(uniqueKeysWithValues: summary.segments.map { ($0.name, $0.users) }) == Self.segments)
        // Quintiles of 4,339: 868, 868, 868, 868, 867 for each measure.
        #expect(summary.scores.map(\.users) == Array(repeating: [868, 868, 868, 868, 867], count: 3).flatMap { $0 })
        let users = try warehouse.rfmUsers(RFMOptions()).users
        #expect(users.reduce(0) { $0 + (Int($1.externalID) ?? 0) * ($1.r * 100 + $1.f * 10 + $1.m) } == Self.scoreFingerprint)
        #expect(summary.exclusions.guestOrders == 3_710)

        let retention = try warehouse.retention(RetentionOptions())
        #expect(retention.cohorts.map(\.label) == Self.triangle.map(\.cohort))
        for (cohort, expected) in zip(retention.cohorts, Self.triangle) {
            #expect(cohort.cells.map(\.value) == expected.counts, "\(cohort.label)")
            #expect(cohort.cells.map(\.complete) == expected.counts.indices.map { $0 < expected.counts.count - 1 }, "\(cohort.label)")
        }
    }
}
