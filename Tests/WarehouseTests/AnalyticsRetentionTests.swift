import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// Cohort retention on hand-made fixtures whose answers are worked out in the comments.
@Suite struct AnalyticsRetentionTests {
    /// As of 2011-04-15 (April is incomplete), UTC months.
    /// A: Jan 10 (10), Jan 20 (20), Mar 5 (5)         -> cohort Jan, active Jan, Mar
    /// B: Jan 31 23:30 (40), Feb 1 00:30 (7), Apr 2 (3) -> cohort Jan, active Jan, Feb, Apr
    /// C: Feb 14 (100), return Mar 1 (-5), Apr 10 (50)  -> cohort Feb, active Feb, Apr (a return is no activity)
    /// D: Feb 20 (60), Apr 20 (after as-of)            -> cohort Feb, active Feb
    /// E: a return only; guests: two orders.           -> in no cohort
    private func months() throws -> AnalyticsFixture {
        let fixture = try AnalyticsFixture()
        try fixture.addFourCustomers()
        try fixture.order("E", "2011-01-15 10:00", "-9", kind: "return")
        return fixture
    }

    private func retention(_ fixture: AnalyticsFixture, _ options: RetentionOptions) throws -> RetentionTriangle {
        try fixture.warehouse.retention(options)
    }

    private func values(_ triangle: RetentionTriangle) -> [String: [Int64]] {
        Dictionary(uniqueKeysWithValues: triangle.cohorts.map { ($0.label, $0.cells.map(\.value)) })
    }

    @Test func classicMonthlyCountsCustomersActiveInCohortPlusK() throws {
        let triangle = try retention(try months(), RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15")))
        #expect(triangle.cohorts.map(\.label) == ["2011-01", "2011-02"])
        #expect(triangle.cohorts.map(\.users) == [2, 2])
        #expect(triangle.cohorts.map(\.start) == ["2011-01-01", "2011-02-01"])
        #expect(values(triangle) == ["2011-01": [2, 1, 1, 1], "2011-02": [2, 0, 1]])
        // April, the period holding as-of, is incomplete; earlier periods are complete.
        #expect(triangle.cohorts[0].cells.map(\.complete) == [true, true, true, false])
        #expect(triangle.cohorts[1].cells.map(\.complete) == [true, true, false])
        #expect(triangle.cohorts[0].cells.map(\.share) == [1, 0.5, 0.5, 0.5])
        #expect(triangle.exclusions.guestOrders == 2)
        // Curve over the cohorts whose cohort+k is complete: k1 (1 + 0) / (2 + 2); k2 only January.
        #expect(triangle.curve.map(\.cohorts) == [2, 2, 1, 0])
        #expect(triangle.curve.map(\.weighted) == [1, 0.25, 0.5, nil])
        #expect(triangle.curve.map(\.mean) == [1, 0.25, 0.5, nil])
        let table = triangle.triangleTable()
        #expect(table.displayRows[0] == ["2011-01", "2", "100.0%", "50.0%", "50.0%", "50.0%*"])
        #expect(table.displayRows[1] == ["2011-02", "2", "100.0%", "0.0%", "50.0%*", ""])
    }

    @Test func unboundedCountsCustomersActiveAtKOrLater() throws {
        // Last active period: A Mar, B Apr, C Apr, D Feb.
        let triangle = try retention(try months(), RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15"), mode: .unbounded))
        #expect(values(triangle) == ["2011-01": [2, 2, 2, 1], "2011-02": [2, 1, 1]])
    }

    @Test func revenueAndOrdersAreRelativeToPeriodZeroAndReturnsReduceRevenue() throws {
        let fixture = try months()
        let scope = AnalyticsFixture.scope(asOf: "2011-04-15")
        let revenue = try retention(fixture, RetentionOptions(scope: scope, metric: .revenue))
        // January: 10 + 20 + 40 = 70, then 7, 5, 3. February: 100 + 60, then C's return -5, then 50.
        #expect(values(revenue) == ["2011-01": [70_000_000, 7_000_000, 5_000_000, 3_000_000],
                                    "2011-02": [160_000_000, -5_000_000, 50_000_000]])
        #expect(revenue.cohorts.map(\.base) == [70_000_000, 160_000_000])
        #expect(revenue.cohorts[1].cells[1].share == -5.0 / 160)
        let orders = try retention(fixture, RetentionOptions(scope: scope, metric: .orders))
        #expect(values(orders) == ["2011-01": [3, 1, 1, 1], "2011-02": [2, 0, 1]])
    }

    @Test func recurringCohortsHoldACustomerInEveryActivePeriod() throws {
        // Active periods: A Jan Mar; B Jan Feb Apr; C Feb Apr; D Feb.
        // Jan {A, B}: Feb B, Mar A, Apr B. Feb {B, C, D}: Mar none, Apr B C. Mar {A}: Apr none. Apr {B, C}.
        let triangle = try retention(try months(), RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15"), cohort: .recurring))
        #expect(triangle.cohorts.map(\.users) == [2, 3, 1, 2])
        #expect(values(triangle) == ["2011-01": [2, 1, 1, 1], "2011-02": [3, 0, 2], "2011-03": [1, 0], "2011-04": [2]])
        let unbounded = try retention(try months(), RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15"), mode: .unbounded, cohort: .recurring))
        #expect(values(unbounded) == ["2011-01": [2, 2, 2, 1], "2011-02": [3, 2, 2], "2011-03": [1, 0], "2011-04": [2]])
    }

    @Test func cohortsAreTakenInTheReportingTimeZone() throws {
        // In Berlin (UTC+1 in winter) B's first purchase, 2011-01-31 23:30 UTC, is on 1 February.
        let fixture = try months()
        let berlin = try retention(fixture, RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15", zone: "Europe/Berlin")))
        #expect(berlin.cohorts.map(\.users) == [1, 3])
        #expect(berlin.scope.timeZone.identifier == "Europe/Berlin")
        // Stored as the warehouse's zone, it applies without the option, until set back to UTC.
        try fixture.warehouse.setReportingTimeZone(TimeZone(identifier: "Europe/Berlin"))
        #expect(try retention(fixture, RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15"))).cohorts.map(\.users) == [1, 3])
        #expect(try retention(fixture, RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15", zone: "UTC"))).cohorts.map(\.users) == [2, 2])
        try fixture.warehouse.setReportingTimeZone(nil)
        #expect(try retention(fixture, RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15"))).cohorts.map(\.users) == [2, 2])
    }

    @Test func isoWeeksRunMondayToSundayAcrossTheYearBoundary() throws {
        // X: Sun 2012-12-30 (ISO 2012-W52, from Mon 12-24) and Mon 2012-12-31 (2013-W01).
        // Y: Sun 2013-01-06 (2013-W01) and Mon 2013-01-07 (2013-W02). As of Mon 2013-01-14: W02 complete.
        let fixture = try AnalyticsFixture()
        try fixture.order("X", "2012-12-30 10:00", "1")
        try fixture.order("X", "2012-12-31 10:00", "1")
        try fixture.order("Y", "2013-01-06 23:59", "1")
        try fixture.order("Y", "2013-01-07 00:00", "1")
        let triangle = try retention(fixture, RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2013-01-14"), period: .week))
        #expect(triangle.cohorts.map(\.label) == ["2012-W52", "2013-W01"])
        #expect(triangle.cohorts.map(\.start) == ["2012-12-24", "2012-12-31"])
        #expect(values(triangle) == ["2012-W52": [1, 1, 0], "2013-W01": [1, 1]])
        #expect(triangle.cohorts.allSatisfy { $0.cells.allSatisfy(\.complete) })
    }

    @Test func isoWeekYearCanDifferFromTheCalendarYear() throws {
        // Sun 2010-01-03 belongs to ISO week 2009-W53 (Monday 2009-12-28).
        let fixture = try AnalyticsFixture()
        try fixture.order("Z", "2010-01-03 10:00", "1")
        let triangle = try retention(fixture, RetentionOptions(period: .week))
        #expect(triangle.cohorts.map(\.label) == ["2009-W53"])
        #expect(triangle.cohorts.map(\.start) == ["2009-12-28"])
        // Default as-of is the next midnight (Mon 2010-01-04): the week is over.
        #expect(triangle.cohorts[0].cells.map(\.complete) == [true])
    }

    @Test func dailyCohortsAndMaxOffset() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("A", "2011-01-01 10:00", "1")
        try fixture.order("A", "2011-01-03 10:00", "1")
        try fixture.order("B", "2011-01-02 10:00", "1")
        try fixture.order("B", "2011-01-03 18:00", "1")
        // As of 2011-01-03 12:00: day 3 is incomplete and B's evening order is after as-of.
        let triangle = try retention(fixture, RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-01-03 12:00"), period: .day))
        #expect(values(triangle) == ["2011-01-01": [1, 0, 1], "2011-01-02": [1, 0]])
        #expect(triangle.cohorts[0].cells.map(\.complete) == [true, true, false])
        let short = try retention(fixture, RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-01-03 12:00"), period: .day, maxOffset: 1))
        #expect(values(short) == ["2011-01-01": [1, 0], "2011-01-02": [1, 0]])
    }

    @Test func eventsCanDriveRetention() throws {
        let fixture = try AnalyticsFixture()
        try fixture.event("V", "2011-01-05 10:00", type: "view")
        try fixture.event("V", "2011-02-05 10:00", type: "add_to_cart")
        try fixture.event("W", "2011-02-07 10:00", type: "view")
        try fixture.order("V", "2011-03-01 10:00", "1")     // orders do not count here
        let scope = AnalyticsFixture.scope(asOf: "2011-03-01")
        let all = try retention(fixture, RetentionOptions(scope: scope, activity: .events))
        #expect(values(all) == ["2011-01": [1, 1], "2011-02": [1]])
        let views = try retention(fixture, RetentionOptions(scope: scope, activity: .events, eventType: "view"))
        #expect(values(views) == ["2011-01": [1, 0], "2011-02": [1]])
        #expect(throws: AnalyticsError.self) { try retention(fixture, RetentionOptions(scope: scope, metric: .revenue, activity: .events)) }
    }

    @Test func sinceUntilAndCountrySelectCohorts() throws {
        let fixture = try months()
        let february = try retention(fixture, RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15", since: "2011-02-10", until: "2011-03-01")))
        #expect(february.cohorts.map(\.label) == ["2011-02"])
        try fixture.user("F", country: "France")
        try fixture.order("F", "2011-03-02 10:00", "1")
        let france = try retention(fixture, RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15", country: "France")))
        #expect(values(france) == ["2011-03": [1, 0]])
    }

    @Test func unboundedRevenueIsRefused() {
        #expect(throws: AnalyticsError.self) { try RetentionOptions(mode: .unbounded, metric: .revenue).validate() }
        #expect(throws: AnalyticsError.self) { try RetentionOptions(eventType: "view").validate() }
    }

    /// The bit-mask path (months, users) and the general path (orders metric, or daily periods
    /// beyond 62) against a plain Swift count on random customers.
    @Test(arguments: [Period.month, .week, .day])
    func bothQueryPathsAgreeWithAPlainCount(period: Period) throws {
        let fixture = try AnalyticsFixture()
        var random = SplitMix(seed: 7)
        var purchases: [String: [Int64]] = [:]
        let start = AnalyticsFixture.at("2011-01-01"), asOf = AnalyticsFixture.at("2011-05-01")
        for index in 0..<150 {
            let id = "u\(index)"
            for _ in 0...(random.next() % 5) {
                let at = start + Int64(random.next() % UInt64(asOf - start + 86_400 * 20))
                let text = UTCText.dateTime(at)
                try fixture.order(id, String(text.prefix(16)), "1")
                if at - at % 60 < asOf { purchases[id, default: []].append(at - at % 60) }
            }
        }
        func key(_ at: Int64) -> Int64 {
            let day = at / 86_400
            switch period {
            case .day: return day
            case .week: return (day + 3) / 7
            case .month:
                let (y, m, _) = UTCText.civil(day: day)
                return y * 12 + m
            }
        }
        var expected: [Int64: [Int64: Set<String>]] = [:]
        for (id, times) in purchases where !times.isEmpty {
            let cohort = times.map(key).min() ?? 0
            for time in times { expected[cohort, default: [:]][key(time) - cohort, default: []].insert(id) }
        }
        let scope = AnalyticsScope(asOf: asOf)
        let fast = try fixture.warehouse.retention(RetentionOptions(scope: scope, period: period))
        #expect(fast.cohorts.count == expected.count)
        for (cohort, byOffset) in zip(fast.cohorts, expected.keys.sorted().map { expected[$0] ?? [:] }) {
            for cell in cohort.cells { #expect(cell.value == Int64(byOffset[Int64(cell.k)]?.count ?? 0), "\(cohort.label) k\(cell.k)") }
            #expect(cohort.users == byOffset[0]?.count ?? -1)
        }
        // The general path (taken for the orders metric) fills the same customer counts, for
        // first-purchase and recurring cohorts, classic (active) and unbounded (reached).
        var parameters = try fixture.warehouse.resolve(scope).parameters
        parameters.set(":period", period.rawValue)
        let columns = ["cohort", "k", "cohort_users", "active_users", "reached_users", "complete"]
        for cohort in ["first-purchase", "recurring"] {
            parameters.set(":cohort", cohort)
            parameters.set(":metric", "orders")
            let general = try NamedQuery("retention").rows(in: fixture.warehouse.db, parameters)
            parameters.set(":metric", "users")
            let masks = try NamedQuery("retention").rows(in: fixture.warehouse.db, parameters)
            #expect(!general.isEmpty)
            #expect(general.map { row in columns.map { row[$0] } } == masks.map { row in columns.map { row[$0] } }, "\(cohort)")
        }
        // Unbounded: customers of the cohort whose last active period is at cohort + k or later.
        let unbounded = try fixture.warehouse.retention(RetentionOptions(scope: scope, period: period, mode: .unbounded))
        #expect(unbounded.cohorts.count == expected.count)
        for (cohort, first) in zip(unbounded.cohorts, expected.keys.sorted()) {
            let members = expected[first]?[0] ?? []
            for cell in cohort.cells {
                let reached = members.filter { id in (purchases[id] ?? []).map(key).max() ?? 0 >= first + Int64(cell.k) }
                #expect(cell.value == Int64(reached.count), "\(cohort.label) k\(cell.k)")
            }
        }
    }
}
