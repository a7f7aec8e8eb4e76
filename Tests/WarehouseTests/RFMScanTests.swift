import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// `RFMScan` computes RFM in Swift; `sql/rfm_summary.sql` and `sql/rfm_users.sql` define it. Both
/// give the same summary and the same customer list, in the same order, on every question of the
/// parameter matrix: as-ofs, look-back windows, countries, zones, fixed bins, segment maps, a
/// currency of a warehouse of two, and the default question answered from the customer totals.
@Suite struct RFMScanTests {
    private static let scopes: [AnalyticsScope] = [
        AnalyticsScope(),
        AnalyticsFixture.scope(asOf: "2011-07-01"),
        AnalyticsFixture.scope(asOf: "2011-09-17 13:30"),
        AnalyticsFixture.scope(since: "2011-04-01"),
        AnalyticsFixture.scope(asOf: "2011-10-01", since: "2011-02-01"),
        AnalyticsFixture.scope(country: "Germany"),
        AnalyticsFixture.scope(zone: "America/Sao_Paulo"),
        AnalyticsFixture.scope(asOf: "2011-10-30", zone: "Asia/Tokyo"),
    ]

    private static let bins: [RFMBins] = [
        RFMBins(),
        RFMBins(recencyDays: [30, 90, 180, 365]),
        RFMBins(recencyDays: [7, 14, 60, 120], frequency: [1, 2, 4, 8], monetaryMicros: [50_000_000, 200_000_000, 500_000_000, 2_000_000_000]),
    ]

    private static let map = try! RFMSegmentMap(csv: """
        segment,cells
        Best,55 54 45 44
        Fading,11 12 13 14 15 21 22 23 24 25
        Rest,31 32 33 34 35 41 42 43 51 52 53
        """, file: "three.csv")

    /// Compares both methods on one question; returns how many customers it scored.
    private static func compare(_ warehouse: Warehouse, _ options: RFMOptions, _ label: String) throws -> Int {
        let scan = try warehouse.rfmSummary(options, method: .scan)
        let query = try warehouse.rfmSummary(options, method: .query)
        #expect(scan == query, "\(label): summary")
        let users = try warehouse.rfmUsers(options, segment: nil, method: .scan).users
        let listed = try warehouse.rfmUsers(options, segment: nil, method: .query).users
        #expect(users == listed, "\(label): \(users.count) customers against \(listed.count), first difference at \(String(describing: users.indices.first { $0 < listed.count && users[$0] != listed[$0] }))")
        if let segment = query.segments.last?.name {
            #expect(try warehouse.rfmUsers(options, segment: segment, method: .scan).users
                    == warehouse.rfmUsers(options, segment: segment, method: .query).users, "\(label): segment \(segment)")
        }
        return scan.customers
    }

    @Test("the scan's summary and customer list equal the queries' over scopes, bins and segment maps (one currency: the totals answer the default)")
    func oneCurrencyMatrix() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 1_500)
        var scored = 0
        for scope in Self.scopes {
            for bins in Self.bins {
                scored += try Self.compare(warehouse, RFMOptions(scope: scope, bins: bins), "\(scope) \(bins)")
            }
            scored += try Self.compare(warehouse, RFMOptions(scope: scope, segmentMap: Self.map), "\(scope) map")
        }
        #expect(scored > 10_000)
    }

    @Test("the scan equals the queries on one currency of a warehouse of two, and where the map leaves cells unnamed")
    func twoCurrencies() throws {
        let scratch = try Scratch()
        let warehouse = try twoCurrencyWarehouse(scratch)
        for currency in ["GBP", "USD"] {
            for var scope in Self.scopes.prefix(4) {
                scope.currency = currency
                #expect(try Self.compare(warehouse, RFMOptions(scope: scope), "\(currency) \(scope)") > 0)
            }
        }
        try warehouse.db.execute("DELETE FROM rfm_segment_map WHERE r = 1")
        let unmapped = try warehouse.rfmSummary(RFMOptions(scope: AnalyticsScope(currency: "GBP")), method: .scan)
        #expect(unmapped.segments.contains { $0.name == "Unmapped" && $0.position == 999 })
        _ = try Self.compare(warehouse, RFMOptions(scope: AnalyticsScope(currency: "GBP")), "unmapped")
    }

    @Test("read on one connection (inside a transaction, where no shared snapshot is taken) the scan gives what both cores give")
    func oneConnectionEqualsTwo() throws {
        let scratch = try Scratch()
        let warehouse = try twoCurrencyWarehouse(scratch)
        func inCurrency(_ currency: String, _ scope: AnalyticsScope) -> RFMOptions {
            var scoped = scope
            scoped.currency = currency
            return RFMOptions(scope: scoped)
        }
        let questions = [inCurrency("GBP", AnalyticsFixture.scope(asOf: "2011-09-17 13:30")),
                         inCurrency("USD", AnalyticsFixture.scope(since: "2011-04-01")),
                         inCurrency("GBP", AnalyticsFixture.scope(country: "Germany"))]
        let parallel = try questions.map { try warehouse.rfmUsers($0).users }
        try warehouse.db.execute("BEGIN")
        let single = try questions.map { try warehouse.rfmUsers($0).users }
        try warehouse.db.execute("COMMIT")
        #expect(parallel.allSatisfy { !$0.isEmpty })
        #expect(parallel == single)
    }

    @Test("quintiles: over n customers the first n % 5 tiles hold one more, ties ordered by the shuffled id")
    func quintiles() {
        for count in [0, 1, 2, 4, 5, 7, 13] {
            var customers = (0..<count).map { RFMScore(userID: Int64($0 + 1), recencyDays: 10, frequency: Int64($0 % 3), monetaryMicros: 0) }
            for (index, score) in RFMScan.quintiles(customers, .frequency).enumerated() { customers[index].f = Int(score) }
            let sizes = (1...5).map { tile in customers.filter { $0.f == tile }.count }
            #expect(sizes == (1...5).map { count / 5 + ($0 <= count % 5 ? 1 : 0) }, "\(count) customers")
            let ordered = customers.sorted { ($0.frequency, RFMScan.tie($0.userID)) < ($1.frequency, RFMScan.tie($1.userID)) }
            #expect(ordered.map(\.f) == ordered.map(\.f).sorted(), "scores rise with (value, tie) over \(count) customers")
        }
    }

    @Test("averages round as SQLite's round() does, halves away from zero")
    func rounding() {
        #expect(RFMRollup.sqliteRound(2.5) == 3)
        #expect(RFMRollup.sqliteRound(-2.5) == -3)
        #expect(RFMRollup.sqliteRound(2.4999) == 2)
        #expect(RFMRollup.sqliteRound(-0.4) == 0)
    }
}
