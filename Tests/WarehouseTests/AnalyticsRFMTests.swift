import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// RFM's tie key for the customer with this `users.id`, worked out here from its definition
/// (docs/QUERIES.md, "Scores"): the low 31 bits times 1327217885 modulo 2^31, the high bits kept.
func rfmTieKey(_ userID: Int64) -> Int64 {
    (((userID & 0x7FFF_FFFF) * 1_327_217_885) & 0x7FFF_FFFF) | (userID & ~0x7FFF_FFFF)
}

/// RFM on hand-made fixtures whose answers are worked out in the comments.
@Suite struct AnalyticsRFMTests {
    private func users(_ fixture: AnalyticsFixture, _ options: RFMOptions) throws -> [String: RFMUser] {
        Dictionary(uniqueKeysWithValues: try fixture.warehouse.rfmUsers(options).users.map { ($0.externalID, $0) })
    }

    @Test func valuesCountPurchasesNetOfReturnsBeforeAsOfAndLeaveOutGuestsAndAdjustments() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("A", "2011-01-10 12:00", "100.00")
        try fixture.order("A", "2011-03-01 00:00", "50.00")
        try fixture.order("A", "2011-03-05 09:00", "-20.00", kind: "return")
        try fixture.order("A", "2011-02-01 10:00", "5.00", kind: "adjustment")
        try fixture.order("B", "2011-03-09 23:59", "10.00")
        try fixture.order("B", "2011-03-10 00:00", "999.00")           // at as-of: not used
        try fixture.order("C", "2011-02-01 10:00", "-5.00", kind: "return") // no purchase: not a customer
        try fixture.order(nil, "2011-03-02 10:00", "30.00")            // guest
        try fixture.order(nil, "2011-03-03 10:00", "0.00", kind: "write_off")
        let options = RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-03-10"))
        let found = try users(fixture, options)
        #expect(found.keys.sorted() == ["A", "B"])
        // A: last purchase 2011-03-01 00:00, 9 whole days before as-of; 2 purchases; 100 + 50 - 20.
        #expect(found["A"]?.recencyDays == 9)
        #expect(found["A"]?.frequency == 2)
        #expect(found["A"]?.monetaryMicros == 130_000_000)
        // B: one minute before as-of is 0 whole days; the order at as-of itself is left out.
        #expect(found["B"]?.recencyDays == 0)
        #expect(found["B"]?.frequency == 1)
        #expect(found["B"]?.monetaryMicros == 10_000_000)
        let summary = try fixture.warehouse.rfmSummary(options)
        #expect(summary.customers == 2)
        #expect(summary.revenueMicros == 140_000_000)
        #expect(summary.exclusions.guestOrders == 2)
        #expect(summary.exclusions.guestAmountMicros == 30_000_000)
        #expect(summary.exclusions.adjustments == 1)
        #expect(summary.table().notes.contains("Left out: 2 guest orders (net 30.00), 1 adjustment."))
    }

    @Test func defaultAsOfIsMidnightAfterTheLastOrder() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("B", "2011-03-09 23:59", "10.00")
        try fixture.order("B", "2011-03-10 00:00", "999.00")
        let summary = try fixture.warehouse.rfmSummary(RFMOptions())
        #expect(summary.scope.asOf == AnalyticsFixture.at("2011-03-11"))
        #expect(summary.scope.asOfIsDefault)
        #expect(summary.revenueMicros == 1_009_000_000)
        // In another reporting zone, "midnight" is local: 2011-03-11 00:00 in New York is 05:00 UTC.
        let zoned = try fixture.warehouse.rfmSummary(RFMOptions(scope: AnalyticsScope(timeZone: TimeZone(identifier: "America/New_York"))))
        #expect(zoned.scope.asOf == AnalyticsFixture.at("2011-03-10 05:00"))
    }

    /// Seven customers, users.id 1 to 7 in this order, one purchase each on the same day. Their
    /// tie keys (id x 1327217885 mod 2^31: 1327217885, 506952122, 1834170007, 1013904244,
    /// 193638481, 1520856366, 700590603) order them c5 c2 c7 c4 c1 c6 c3; their ids' text and
    /// their import order are c1 … c7.
    private func seven() throws -> AnalyticsFixture {
        let fixture = try AnalyticsFixture()
        for (id, amount) in [("c1", "10"), ("c2", "10"), ("c3", "30"), ("c4", "20"), ("c5", "10"), ("c6", "5"), ("c7", "5")] {
            try fixture.order(id, "2011-03-01 10:00", amount)
        }
        return fixture
    }

    @Test func tieKeysShuffleUserIDsOneToOne() throws {
        let fixture = try seven()
        let keys = try fixture.warehouse.db.query("""
            SELECT external_id, id, (((id & 2147483647) * 1327217885) & 2147483647) | (id & -2147483648) FROM users ORDER BY 3
            """)
        #expect(keys.map { $0[0].string } == ["c5", "c2", "c7", "c4", "c1", "c6", "c3"])
        #expect(keys.allSatisfy { $0[2].int64 == rfmTieKey($0[1].int64 ?? 0) })
        // Beyond 31 bits the high bits are kept, so ids a multiple of 2^31 apart keep distinct keys.
        #expect(rfmTieKey(1 << 31 | 5) == 1 << 31 | rfmTieKey(5))
    }

    @Test func quintilesBreakTiesByTheTieKeyAndTheFirstTilesTakeTheRemainder() throws {
        // n = 7: tiles of 2, 2, 1, 1, 1. Recency and frequency tie everywhere, so the order is
        // the tie key's: c5 c2 | c7 c4 | c1 | c6 | c3. Money sorts (5 c7, 5 c6, 10 c5, 10 c2,
        // 10 c1, 20 c4, 30 c3): c7 c6 | c5 c2 | c1 | c4 | c3.
        let fixture = try seven()
        let found = try users(fixture, RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-03-10")))
        let expected: [String: (Int, Int, Int, String)] = [
            "c5": (1, 1, 2, "Hibernating"), "c2": (1, 1, 2, "Hibernating"), "c7": (2, 2, 1, "Hibernating"),
            "c4": (2, 2, 4, "Hibernating"), "c1": (3, 3, 3, "Need Attention"), "c6": (4, 4, 1, "Loyal Customers"),
            "c3": (5, 5, 5, "Champions"),
        ]
        for (id, want) in expected {
            let user = try #require(found[id])
            #expect(user.r == want.0 && user.f == want.1 && user.m == want.2 && user.segment == want.3, "\(id): \(user)")
        }
    }

    @Test func summaryHoldsSharesAveragesAndTheRangesOfEachScore() throws {
        let fixture = try seven()
        let summary = try fixture.warehouse.rfmSummary(RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-03-10")))
        // Hibernating: c5 c2 c7 c4, revenue 10 + 10 + 5 + 20 = 45 of 90.
        let hibernating = try #require(summary.segments.first { $0.name == "Hibernating" })
        #expect(hibernating.users == 4)
        #expect(abs(hibernating.userShare - 4.0 / 7) < 1e-12)
        #expect(hibernating.revenueMicros == 45_000_000)
        #expect(hibernating.revenueShare == 0.5)
        #expect(hibernating.averageMonetaryMicros == 11_250_000)
        #expect(hibernating.averageRecencyDays == 8)
        #expect(summary.segments.map(\.name) == ["Champions", "Loyal Customers", "Need Attention", "Hibernating"])
        let money = summary.scores.filter { $0.measure == .monetary }.map { [$0.score, $0.users, Int($0.minimum / 1_000_000), Int($0.maximum / 1_000_000)] }
        #expect(money == [[1, 2, 5, 5], [2, 2, 10, 10], [3, 1, 10, 10], [4, 1, 20, 20], [5, 1, 30, 30]])
        #expect(summary.table().notes.contains("M (net revenue), quintiles (ties in a fixed shuffle of customers): 1 = 5.00..5.00, 2 = 10.00..10.00, 3 = 10.00..10.00, 4 = 20.00..20.00, 5 = 30.00..30.00"))
    }

    @Test func fixedBinsScoreByThresholdsWithInclusiveUpperEdges() throws {
        let fixture = try AnalyticsFixture()
        // as-of 2011-12-31: recency 0, 30, 31 and 400 days; frequency 1, 2, 3, 11; money 100.00, 100.01, ...
        try fixture.order("r0", "2011-12-30 12:00", "100.00")
        try fixture.order("r30", "2011-12-01 00:00", "100.01")
        try fixture.order("r31", "2011-11-30 00:00", "5000.00")
        try fixture.order("r31", "2011-11-29 00:00", "0.01")
        try fixture.order("r31", "2011-11-28 00:00", "0.00")
        try fixture.order("r400", "2010-11-26 00:00", "1")
        for day in 1...10 { try fixture.order("r400", "2010-10-\(String(format: "%02d", day)) 00:00", "1") }
        var bins = RFMBins()
        try bins.read("recency=30,90,180,365")
        try bins.read("frequency=1,2,5,10")
        try bins.read("monetary=100,500,1000,5000")
        let found = try users(fixture, RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-12-31"), bins: bins))
        #expect(found["r0"].map { [$0.recencyDays, Int64($0.r), $0.frequency, Int64($0.f), Int64($0.m)] } == [0, 5, 1, 1, 1])
        #expect(found["r30"].map { [$0.recencyDays, Int64($0.r), Int64($0.f), Int64($0.m)] } == [30, 5, 1, 2])
        // 5000.01 in three orders: over the 4th monetary threshold.
        #expect(found["r31"].map { [$0.recencyDays, Int64($0.r), $0.frequency, Int64($0.f), Int64($0.m)] } == [31, 4, 3, 3, 5])
        #expect(found["r400"].map { [$0.recencyDays, Int64($0.r), $0.frequency, Int64($0.f), Int64($0.m)] } == [400, 1, 11, 5, 1])
        let summary = try fixture.warehouse.rfmSummary(RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-12-31"), bins: bins))
        #expect(summary.thresholdLine(.recency).hasPrefix("R (days since the last purchase), bins at 30, 90, 180, 365 days"))
    }

    @Test func binsAreReadStrictly() {
        var bins = RFMBins()
        #expect(throws: AnalyticsError.self) { try bins.read("recency=30,90,180") }
        #expect(throws: AnalyticsError.self) { try bins.read("recency=90,30,180,365") }
        #expect(throws: AnalyticsError.self) { try bins.read("loyalty=1,2,3,4") }
        #expect(throws: AnalyticsError.self) { try bins.read("monetary=1,2,x,4") }
        #expect(throws: Never.self) { try bins.read("monetary=0.5,2,3.25,4") }
        #expect(bins.monetaryMicros == [500_000, 2_000_000, 3_250_000, 4_000_000])
    }

    /// The histogram method must give exactly NTILE(5) over (value, tie key). Random
    /// customers with many ties, and every small n, against SQLite's own ntile().
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 11, 12, 97, 400])
    func scoresEqualSQLiteNtileOnRandomCustomers(count: Int) throws {
        let fixture = try AnalyticsFixture()
        var random = SplitMix(seed: UInt64(count))
        for index in 0..<count {
            let id = String(random.next() % 1000) + "-\(index)"   // text order differs from numeric order
            for _ in 0...(random.next() % 4) {
                let day = 1 + Int(random.next() % 28)
                let amount = [5, 10, 10, 25, 100][Int(random.next() % 5)]
                try fixture.order(id, "2011-02-\(String(format: "%02d", day)) 10:00", "\(amount).\(random.next() % 2 == 0 ? "00" : "50")")
            }
            if random.next() % 7 == 0 { try fixture.order(id, "2011-02-27 10:00", "-5.00", kind: "return") }
        }
        try expectScoresEqualNtile(fixture, asOf: "2011-03-01")
    }

    /// The customer at each tile start is picked in a defined order, not in the order in which an
    /// aggregate happened to collect sorted rows: with the sorter spilling to a worker thread
    /// (`PRAGMA threads`, a small cache), 100,000 customers in a few large ties still score
    /// exactly as SQLite's ntile() says. (The json_group_array method failed this.)
    @Test func scoresDoNotDependOnTheSortersThreadsOrMemory() throws {
        let fixture = try AnalyticsFixture()
        // 100,000 customers whose ids do not sort like their numbers; 250,000 orders spread by a
        // multiplier prime to 100,000, so half the customers have 3 orders and half 2 (two ties
        // of 50,000 in F), on 60 days (R) at 7 amounts (M).
        try fixture.warehouse.db.execute("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
            INSERT INTO users (id, external_id, import_id) SELECT i + 1, printf('%d-%d', (i * 7919) % 1000, i), 1 FROM n;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 249999)
            INSERT INTO orders (external_id, user_id, ordered_at, kind, currency, amount_micros, import_id)
            SELECT 'o' || i, 1 + (i * 48271) % 100000, unixepoch('2011-01-01') + 86400 * ((i * 31) % 60),
                   'purchase', 'GBP', 1000000 * (5 + (i * 13) % 7), 1
            FROM n;
            PRAGMA threads = 2;
            PRAGMA cache_size = -512;
            """)
        try expectScoresEqualNtile(fixture, asOf: "2011-03-02", customers: 100_000)  // after the last order
    }

    /// Compares every customer's R, F and M with ntile(5) over (value, tie key), as grouped
    /// from the orders (the fixture writes them with SQL, past the totals' mark) and as read from
    /// `customer_totals` once they are brought up to date.
    private func expectScoresEqualNtile(_ fixture: AnalyticsFixture, asOf: String, customers: Int? = nil) throws {
        try expectScoresEqualNtile(fixture, asOf: asOf, customers: customers, fromTotals: false)
        try CustomerTotals.refresh(fixture.warehouse.db)
        try expectScoresEqualNtile(fixture, asOf: asOf, customers: customers, fromTotals: true)
    }

    private func expectScoresEqualNtile(_ fixture: AnalyticsFixture, asOf: String, customers: Int?, fromTotals: Bool) throws {
        #expect(try CustomerTotalsTests.current(fixture.warehouse.db) == fromTotals)
        let found = try users(fixture, RFMOptions(scope: AnalyticsFixture.scope(asOf: asOf)))
        let reference = try fixture.warehouse.db.query("""
            WITH c AS (
                SELECT u.external_id AS id, (((u.id & 2147483647) * 1327217885) & 2147483647) | (u.id & -2147483648) AS tie,
                       (unixepoch(?) - max(CASE WHEN o.kind = 'purchase' THEN o.ordered_at END)) / 86400 AS rec,
                       sum(o.kind = 'purchase') AS freq, sum(o.amount_micros) AS mon
                FROM orders o JOIN users u ON u.id = o.user_id GROUP BY u.id)
            SELECT id, ntile(5) OVER (ORDER BY rec DESC, tie), ntile(5) OVER (ORDER BY freq, tie), ntile(5) OVER (ORDER BY mon, tie) FROM c
            """, asOf)
        #expect(found.count == reference.count)
        if let customers { #expect(reference.count == customers) }
        var mismatches: [String] = []
        for row in reference {
            let id = row[0].string ?? ""
            let user = try #require(found[id])
            let want: [Int] = [Int(row[1].int64 ?? 0), Int(row[2].int64 ?? 0), Int(row[3].int64 ?? 0)]
            if [user.r, user.f, user.m] != want { mismatches.append("\(id): \([user.r, user.f, user.m]) ≠ \(want)") }
        }
        let mismatched = mismatches.count
        #expect(mismatched == 0, "\(fromTotals ? "from the totals" : "from the orders"): for example \(mismatches.prefix(3))")
    }

    @Test func theSegmentGridIsTheStandardOne() throws {
        let fixture = try AnalyticsFixture()
        let map = try fixture.warehouse.segmentMap()
        let expected: [String: String] = [
            "11": "Hibernating", "12": "Hibernating", "21": "Hibernating", "22": "Hibernating",
            "13": "At Risk", "14": "At Risk", "23": "At Risk", "24": "At Risk", "15": "Can't Lose Them", "25": "Can't Lose Them",
            "31": "About To Sleep", "32": "About To Sleep", "33": "Need Attention",
            "34": "Loyal Customers", "35": "Loyal Customers", "44": "Loyal Customers", "45": "Loyal Customers",
            "41": "Promising", "51": "New Customers", "42": "Potential Loyalists", "43": "Potential Loyalists",
            "52": "Potential Loyalists", "53": "Potential Loyalists", "54": "Champions", "55": "Champions",
        ]
        #expect(map.cells.count == 25)
        for cell in map.cells { #expect(expected["\(cell.r)\(cell.f)"] == cell.segment) }
    }

    @Test func aSegmentMapFileReplacesTheGridForOneQuestion() throws {
        let fixture = try seven()
        let map = try RFMSegmentMap(csv: """
            segment,cells
            Top,55 54 45 44
            "Rest, all of it",11 12 13 14 15 21 22 23 24 25 31 32 33 34 35 41 42 43 51 52 53

            """, file: "map.csv")
        let options = RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-03-10"), segmentMap: map)
        let summary = try fixture.warehouse.rfmSummary(options)
        // c6 (4, 4) and c7 (5, 5) are Top; the five others the rest.
        #expect(summary.segments.map { "\($0.name)=\($0.users)" } == ["Top=2", "Rest, all of it=5"])
        #expect(summary.segmentMapSource == "map.csv")
        // The next question without a map is back on the standard grid.
        #expect(try fixture.warehouse.rfmSummary(RFMOptions(scope: options.scope)).segments.count == 4)
    }

    @Test func segmentMapFilesAreCheckedWhole() {
        #expect(throws: AnalyticsError.invalidSegmentMap(file: "m", reason: "no segment for 12, 13, 14, 15, 21, 22, 23, 24, 25, 31, 32, 33, 34, 35, 41, 42, 43, 44, 45, 51, 52, 53, 54, 55 (all 25 RF pairs are needed)")) {
            try RFMSegmentMap(csv: "segment,cells\nOne,11\n", file: "m")
        }
        #expect(throws: AnalyticsError.invalidSegmentMap(file: "m", reason: "line 3: 11 is already One")) {
            try RFMSegmentMap(csv: "segment,cells\nOne,11\nTwo,11\n", file: "m")
        }
        #expect(throws: AnalyticsError.invalidSegmentMap(file: "m", reason: "line 2: '61' is not an RF pair like 45")) {
            try RFMSegmentMap(csv: "segment,cells\nOne,61\n", file: "m")
        }
        #expect(throws: AnalyticsError.invalidSegmentMap(file: "m", reason: "the first line must be the header 'segment,cells'")) {
            try RFMSegmentMap(csv: "Champions,55\n", file: "m")
        }
    }

    @Test func snapshotsAreKeyedByAsOfAndShowSegmentMigration() throws {
        let fixture = try AnalyticsFixture()
        // As of 2011-02-01 only A is a customer (n = 1: R = F = 1, Hibernating).
        // As of 2011-03-10: B (2011-02-15, 1 order, 23 days) and A (2 orders, 9 days): R and F
        // put B first, so B = (1, 1) Hibernating and A = (2, 2) Hibernating.
        try fixture.order("A", "2011-01-05 10:00", "10.00")
        try fixture.order("A", "2011-03-01 10:00", "10.00")
        try fixture.order("B", "2011-02-15 10:00", "10.00")
        let options = RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-03-10"))
        let transitions = try fixture.warehouse.rfmTransitions(from: AnalyticsFixture.at("2011-02-01"), options: options)
        #expect(transitions.saved.count == 2)
        #expect(transitions.users(from: "Hibernating", to: "Hibernating") == 1)
        #expect(transitions.users(from: "(none)", to: "Hibernating") == 1)
        #expect(transitions.flows.reduce(0) { $0 + $1.users } == 2)
        #expect(try fixture.warehouse.rfmSnapshots().map(\.users) == [1, 2])
        // A second comparison reuses the snapshots; saving again replaces one.
        #expect(try fixture.warehouse.rfmTransitions(from: AnalyticsFixture.at("2011-02-01"), options: options).saved.isEmpty)
        try fixture.warehouse.saveRFMSnapshot(options)
        #expect(try fixture.warehouse.rfmSnapshots().count == 2)
        #expect(try fixture.warehouse.count("SELECT count(*) FROM rfm_snapshot_users") == 3)
        var country = options
        country.scope.country = "France"
        #expect(throws: AnalyticsError.self) { try fixture.warehouse.saveRFMSnapshot(country) }
    }

    @Test func countryLimitsThePopulationBeforeScoring() throws {
        let fixture = try AnalyticsFixture()
        try fixture.user("F1", country: "France")
        try fixture.order("F1", "2011-03-01 10:00", "10.00")
        try fixture.order("U1", "2011-03-02 10:00", "20.00")
        let summary = try fixture.warehouse.rfmSummary(RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-03-10", country: "France")))
        #expect(summary.customers == 1)
        #expect(summary.revenueMicros == 10_000_000)
    }

    @Test func sinceStartsTheLookBackWindow() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("A", "2011-01-05 10:00", "10.00")
        try fixture.order("A", "2011-03-01 10:00", "15.00")
        try fixture.order("B", "2011-01-06 10:00", "10.00")
        let found = try users(fixture, RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-03-10", since: "2011-02-01")))
        #expect(found.keys.sorted() == ["A"])
        #expect(found["A"]?.frequency == 1)
        #expect(found["A"]?.monetaryMicros == 15_000_000)
    }

    @Test func summaryAndUserQueriesShareTheirScoringText() throws {
        let summary = try #require(SQLCatalog.query("rfm_summary"))
        let users = try #require(SQLCatalog.query("rfm_users"))
        func common(_ text: String) throws -> Substring {
            let start = try #require(text.range(of: "WITH params AS MATERIALIZED"))
            let end = try #require(text.range(of: "-- Scores: against"))
            return text[start.lowerBound..<end.lowerBound]
        }
        #expect(try common(summary) == common(users))
        // The summary folds the three scores into one cell number; each is the users' expression.
        func words(_ text: some StringProtocol) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let scored = try #require(users.range(of: "scored AS MATERIALIZED ("))
        for (name, alias) in [("r", " AS r,"), ("f", " AS f,"), ("m", " AS m\n")] {
            let from = try #require(users.range(of: "CASE WHEN (SELECT \(name)b1 FROM bins)", range: scored.upperBound..<users.endIndex))
            let to = try #require(users.range(of: alias, range: from.upperBound..<users.endIndex))
            #expect(words(summary).contains(words(users[from.lowerBound..<to.lowerBound])), "score \(name)")
        }
    }

    @Test func postgreSQLsSummaryAndUserQueriesShareEverythingUpToTheScores() throws {
        let summary = try #require(SQLCatalog.postgresQuery("rfm_summary"), "sql/postgres/rfm_summary.sql is not embedded")
        let users = try #require(SQLCatalog.postgresQuery("rfm_users"), "sql/postgres/rfm_users.sql is not embedded")
        func common(_ text: String) throws -> Substring {
            let start = try #require(text.range(of: "WITH params AS MATERIALIZED"))
            let end = try #require(text.range(of: "    FROM customers c CROSS JOIN params p\n)"))
            return text[start.lowerBound..<end.upperBound]
        }
        #expect(try common(summary) == common(users))
    }
}

/// A small deterministic random generator for fixtures.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
