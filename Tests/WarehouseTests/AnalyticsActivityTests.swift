import Foundation
import Testing
@testable import Warehouse

/// Activity and lifecycle states on a hand-made fixture.
@Suite struct AnalyticsActivityTests {
    /// Purchases of known users (as of 2011-04-15): A Jan 10, Jan 20, Mar 5; B Jan 31, Feb 1,
    /// Apr 2; C Feb 14, Apr 10 (and a return on Mar 1); D Feb 20 (and Apr 20, after as-of); a view
    /// by D on Mar 12; two guest orders. Active months: A Jan Mar; B Jan Feb Apr; C Feb Apr; D Feb Mar.
    private func fixture() throws -> AnalyticsFixture {
        let fixture = try AnalyticsFixture()
        try fixture.addFourCustomers()
        try fixture.event("D", "2011-03-12 10:00")
        return fixture
    }

    @Test func lifecycleStatesFollowPostHogsDefinitions() throws {
        let report = try fixture().warehouse.activity(ActivityOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15")))
        #expect(report.periods.map(\.label) == ["2011-01", "2011-02", "2011-03", "2011-04"])
        // Jan {A, B} both new. Feb {B, C, D}: C, D new, B returning; A dormant.
        // Mar {A, D}: D returning, A resurrecting; B, C dormant. Apr {B, C} resurrecting; A, D dormant.
        #expect(report.periods.map(\.activeUsers) == [2, 3, 2, 2])
        #expect(report.periods.map(\.newUsers) == [2, 2, 0, 0])
        #expect(report.periods.map(\.returningUsers) == [0, 1, 1, 0])
        #expect(report.periods.map(\.resurrectingUsers) == [0, 0, 1, 2])
        #expect(report.periods.map(\.dormantUsers) == [0, 1, 2, 2])
        #expect((0..<4).map { report.churnRate(at: $0) } == [nil, 0.5, 2.0 / 3, 1])
        #expect(report.periods.map(\.complete) == [true, true, true, false])
    }

    @Test func dailyActiveUsersStickinessOrdersAndRevenue() throws {
        let report = try fixture().warehouse.activity(ActivityOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15")))
        // User-days: Jan A 10th, A 20th, B 31st; Feb B 1st, C 14th, D 20th; Mar A 5th, D 12th; Apr B 2nd, C 10th.
        #expect(report.periods.map(\.userDays) == [3, 3, 2, 2])
        #expect(report.periods.map(\.daysObserved) == [31, 28, 31, 14])
        #expect(report.periods[0].averageDailyActive == 3.0 / 31)
        #expect(report.periods[0].stickiness == 3.0 / 31 / 2)
        #expect(report.periods.map(\.firstPurchases) == [2, 2, 0, 0])
        #expect(report.periods.map(\.orders) == [3, 3, 1, 2])
        // Net revenue: Jan 10 + 20 + 40; Feb 7 + 100 + 60; Mar 5 - 5; Apr 3 + 50.
        #expect(report.periods.map(\.revenueMicros) == [70_000_000, 167_000_000, 0, 53_000_000])
        #expect(report.exclusions.guestOrders == 2)
    }

    @Test("months carry the average rolling WAU: each active day counts for itself and the six days after, within the observed days")
    func monthsCarryTheAverageRollingWeeklyActiveUsers() throws {
        let fixture = try fixture()
        let report = try fixture.warehouse.activity(ActivityOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15")))
        // Jan: A 10-16 and 20-26 (14 days), B 31st (1). Feb: B 1-7 (its Jan 31st also covers 1-6), C 14-20, D 20-26.
        // Mar: A 5-11, D 12-18. Apr (14 days observed): B 2-8 (7), C 10-14 (5).
        #expect(report.periods.map(\.weeklyUserDays) == [15, 21, 14, 12])
        #expect(report.periods[0].averageWeeklyActive == 15.0 / 31)
        #expect(report.periods[3].averageWeeklyActive == 12.0 / 14)
        let weeks = try fixture.warehouse.activity(ActivityOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15"), period: .week))
        #expect(weeks.periods.allSatisfy { $0.weeklyUserDays == nil && $0.averageWeeklyActive == nil }, "a week's WAU is its active users")
        #expect(!weeks.table().rendered(as: .table).contains("avg WAU"), "tables show the measures the period allows")
        #expect(report.table().rendered(as: .table).contains("avg WAU"))
    }

    @Test func activityCanBeOnlyOrdersOrOnlyEvents() throws {
        let fixture = try fixture()
        let scope = AnalyticsFixture.scope(asOf: "2011-04-15")
        let orders = try fixture.warehouse.activity(ActivityOptions(scope: scope, activity: .orders))
        // Without D's view, March holds only A, and D is dormant in March.
        #expect(orders.periods.map(\.activeUsers) == [2, 3, 1, 2])
        #expect(orders.periods.map(\.dormantUsers) == [0, 1, 3, 1])
        let events = try fixture.warehouse.activity(ActivityOptions(scope: scope, activity: .events))
        #expect(events.periods.map(\.label) == ["2011-03", "2011-04"])
        #expect(events.periods.map(\.activeUsers) == [1, 0])
        #expect(events.periods.map(\.dormantUsers) == [0, 1])
    }

    @Test func weeksAndWindows() throws {
        let fixture = try fixture()
        let report = try fixture.warehouse.activity(ActivityOptions(
            scope: AnalyticsFixture.scope(asOf: "2011-04-15", since: "2011-02-01", until: "2011-02-15"), period: .week))
        // Weeks from the one holding Feb 1 (Mon Jan 31) to the one holding Feb 14 (Mon Feb 14).
        #expect(report.periods.map(\.label) == ["2011-W05", "2011-W06", "2011-W07"])
        #expect(report.periods.map(\.start) == ["2011-01-31", "2011-02-07", "2011-02-14"])
        // W05: B (Jan 31 and Feb 1: two user-days); W06: nobody; W07: C (Mon Feb 14) and D (Sun Feb 20).
        #expect(report.periods.map(\.activeUsers) == [1, 0, 2])
        #expect(report.periods.map(\.userDays) == [2, 0, 2])
        #expect(report.periods.map(\.daysObserved) == [7, 7, 7])
    }
}
