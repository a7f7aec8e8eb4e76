import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// `ActivityScan` computes activity in Swift; `sql/activity.sql` defines it. Both give the same
/// periods on every question of the parameter matrix, over a generated shop with returns, guests,
/// events and customers who bought in two currencies.
@Suite struct ActivityScanTests {
    /// The periods of one question by both methods.
    private static func bothWays(_ warehouse: Warehouse, _ options: ActivityOptions) throws -> (scan: [ActivityPeriod], query: [ActivityPeriod]) {
        defer { try? warehouse.endCurrencyFilter() }
        return (try warehouse.activityPeriods(options, method: .scan).1, try warehouse.activityPeriods(options, method: .query).1)
    }

    /// Where two answers first differ, or nil when they are equal.
    private static func difference(_ scan: [ActivityPeriod], _ query: [ActivityPeriod]) -> String? {
        if let index = scan.indices.first(where: { $0 < query.count && scan[$0] != query[$0] }) {
            return "period \(index): scan \(scan[index]) against query \(query[index])"
        }
        return scan.count == query.count ? nil : "\(scan.count) periods against \(query.count)"
    }

    private static let scopes: [AnalyticsScope] = [
        AnalyticsScope(currency: "GBP"),
        AnalyticsScope(asOf: AnalyticsFixture.at("2011-07-01"), currency: "GBP"),
        AnalyticsScope(asOf: AnalyticsFixture.at("2011-09-17 13:30"), currency: "USD"),
        AnalyticsScope(since: AnalyticsFixture.at("2011-02-01"), until: AnalyticsFixture.at("2011-08-15"), currency: "GBP"),
        AnalyticsScope(since: AnalyticsFixture.at("2011-03-10"), currency: "USD"),
        AnalyticsScope(country: "Germany", currency: "GBP"),
        AnalyticsScope(timeZone: TimeZone(identifier: "America/Sao_Paulo"), currency: "GBP"),
        AnalyticsScope(asOf: AnalyticsFixture.at("2011-10-30"), timeZone: TimeZone(identifier: "Asia/Tokyo"), currency: "USD"),
    ]

    @Test("the scan's periods equal sql/activity.sql's for every period and activity source over every scope",
          arguments: Period.allCases)
    func matrix(period: Period) throws {
        let scratch = try Scratch()
        let warehouse = try twoCurrencyWarehouse(scratch)
        var periods = 0
        for scope in Self.scopes {
            for activity in ActivityKinds.allCases {
                let options = ActivityOptions(scope: scope, period: period, activity: activity)
                let (scan, query) = try Self.bothWays(warehouse, options)
                let difference = Self.difference(scan, query)
                #expect(difference == nil, "\(options)")
                #expect(scan.contains { $0.activeUsers > 0 && $0.revenueMicros != 0 })
                periods += scan.count
            }
        }
        #expect(periods > Self.scopes.count * 3 * 5, "the matrix reads real periods")
    }

    @Test("period slots grow at both ends and read zeros where nothing was counted")
    func slotsGrowBothWays() {
        var slots = PeriodSlots()
        slots[10].orders += 1
        slots[3].orders += 2
        slots[40].orders += 4
        slots[10].orders += 8
        #expect([3, 10, 40, 11, -5, 100].map { slots[$0].orders } == [2, 9, 4, 0, 0, 0])
    }
}
