import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// `RetentionScan` computes retention in Swift; `sql/retention.sql` defines it. Both give the same
/// rows on every question of the parameter matrix, over a generated shop with returns, guests,
/// events and customers who bought in two currencies.
@Suite struct RetentionScanTests {
    /// The rows of one question by both methods; what the metric does not read is left out of
    /// the comparison (the query leaves orders and revenue NULL when it counts users by bit mask,
    /// the scan sums revenue only for the revenue metric).
    static func bothWays(_ warehouse: Warehouse, _ options: RetentionOptions) throws -> (scan: [RetentionRow], query: [RetentionRow]) {
        defer { try? warehouse.endCurrencyFilter() }
        var scan: [RetentionRow] = [], query: [RetentionRow] = []
        try warehouse.retentionRows(options, method: .scan) { scan.append($0) }
        try warehouse.retentionRows(options, method: .query) { query.append($0) }
        func read(_ row: RetentionRow) -> RetentionRow {
            RetentionRow(cohort: row.cohort, cohortLabel: row.cohortLabel, cohortStart: row.cohortStart, cohortUsers: row.cohortUsers,
                         k: row.k, activeUsers: row.activeUsers, reachedUsers: row.reachedUsers,
                         orders: options.metric == .users ? 0 : row.orders,
                         revenueMicros: options.metric == .revenue ? row.revenueMicros : 0, complete: row.complete)
        }
        return (scan.map(read), query.map(read))
    }

    /// Where two answers first differ, or nil when they are equal (a short message instead of
    /// both triangles in full).
    static func difference(_ scan: [RetentionRow], _ query: [RetentionRow]) -> String? {
        if let index = scan.indices.first(where: { $0 < query.count && scan[$0] != query[$0] }) {
            return "row \(index): scan \(scan[index]) against query \(query[index])"
        }
        return scan.count == query.count ? nil : "\(scan.count) rows against \(query.count)"
    }

    private static let scopes: [AnalyticsScope] = [
        AnalyticsScope(),
        AnalyticsFixture.scope(asOf: "2011-07-01"),
        AnalyticsFixture.scope(asOf: "2011-09-17 13:30"),
        AnalyticsFixture.scope(since: "2011-02-01", until: "2011-08-15"),
        AnalyticsFixture.scope(country: "Germany"),
        AnalyticsFixture.scope(zone: "America/Sao_Paulo"),
        AnalyticsFixture.scope(asOf: "2011-10-30", zone: "Asia/Tokyo"),
    ]

    @Test("the scan's rows equal sql/retention.sql's for every period, cohort kind, mode and metric over every scope",
          arguments: Period.allCases)
    func ordersMatrix(period: Period) throws {
        let scratch = try Scratch()
        let warehouse = try twoCurrencyWarehouse(scratch)
        var questions = 0, rows = 0
        for scope in Self.scopes {
            for cohort in CohortKind.allCases {
                var withCurrency = scope
                withCurrency.currency = "USD"
                let asked = [RetentionOptions(scope: scope, period: period, cohort: cohort),
                             RetentionOptions(scope: scope, period: period, mode: .unbounded, cohort: cohort),
                             RetentionOptions(scope: scope, period: period, metric: .orders, cohort: cohort),
                             RetentionOptions(scope: withCurrency, period: period, metric: .revenue, cohort: cohort),
                             RetentionOptions(scope: withCurrency, period: period, cohort: cohort, maxOffset: 3)]
                for options in asked {
                    let (scan, query) = try Self.bothWays(warehouse, options)
                    let difference = Self.difference(scan, query)
                    #expect(difference == nil, "\(options)")
                    questions += 1
                    rows += scan.count
                }
            }
        }
        #expect(questions == Self.scopes.count * 10)
        #expect(rows > 1_000, "the matrix reads real triangles")
    }

    @Test("events as activity, of any type or of one, and a group of customers (--by): the same rows both ways")
    func eventsAndGroups() throws {
        let scratch = try Scratch()
        let warehouse = try twoCurrencyWarehouse(scratch)
        let someUsers = Set(try warehouse.db.query("SELECT id FROM users WHERE id % 3 = 0").map { $0.int("id") })
        for period in Period.allCases {
            for cohort in CohortKind.allCases {
                var group = RetentionOptions(period: period, cohort: cohort)
                group.users = someUsers
                for options in [RetentionOptions(period: period, cohort: cohort, activity: .events),
                                RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-06-01", country: "United Kingdom"),
                                                 period: period, cohort: cohort, activity: .events, eventType: "view"),
                                group] {
                    let (scan, query) = try Self.bothWays(warehouse, options)
                    #expect(!scan.isEmpty)
                    let difference = Self.difference(scan, query)
                    #expect(difference == nil, "\(options)")
                }
            }
        }
    }

    @Test("read on one connection (inside a transaction, where no shared snapshot is taken) the scan gives what both cores give")
    func oneConnectionEqualsTwo() throws {
        let scratch = try Scratch()
        let warehouse = try twoCurrencyWarehouse(scratch)
        var usd = AnalyticsFixture.scope(asOf: "2011-10-30", zone: "Asia/Tokyo")
        usd.currency = "USD"
        let questions = [RetentionOptions(scope: usd, period: .week, metric: .revenue),
                         RetentionOptions(scope: AnalyticsFixture.scope(country: "Germany"), period: .month, cohort: .recurring),
                         RetentionOptions(scope: AnalyticsFixture.scope(since: "2011-02-01", until: "2011-08-15"), period: .day)]
        func rows(_ options: RetentionOptions) throws -> [RetentionRow] {
            defer { try? warehouse.endCurrencyFilter() }
            var rows: [RetentionRow] = []
            try warehouse.retentionRows(options, method: .scan) { rows.append($0) }
            return rows
        }
        let parallel = try questions.map(rows)
        try warehouse.db.execute("BEGIN")
        let single = try questions.map(rows)
        try warehouse.db.execute("COMMIT")
        #expect(parallel.allSatisfy { !$0.isEmpty })
        #expect(parallel == single)
    }

    @Test("a customer's rows that come back to an earlier period (a clock turned back over midnight) are merged into it")
    func periodsOutOfOrder() throws {
        var periods = CustomerPeriods()
        try periods.add(period: 5, purchases: 1, amount: 10)
        try periods.add(period: 5, purchases: 1, amount: 2)
        try periods.add(period: 6, purchases: 0, amount: -4)
        try periods.add(period: 5, purchases: 1, amount: 1)
        try periods.add(period: 7, purchases: 1, amount: 3)
        try periods.ordered()
        #expect(periods.numbers == [5, 6, 7])
        #expect(periods.purchases == [3, 0, 1])
        #expect(periods.amounts == [13, -4, 3])
    }

    @Test("a revenue sum past 64 bits is an error, not a wrapped number")
    func revenueOverflow() throws {
        var periods = CustomerPeriods()
        try periods.add(period: 1, purchases: 1, amount: Int64.max)
        #expect(throws: AnalyticsError.self) { try periods.add(period: 1, purchases: 1, amount: 1) }
    }
}
