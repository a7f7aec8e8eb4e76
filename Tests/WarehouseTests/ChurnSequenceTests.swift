import Foundation
import Learning
import SQLiteStore
import Testing
@testable import Warehouse

/// The per-period histories of `sql/churn_sequences.sql`: hand-computed values, point-in-time,
/// and the same tensor whatever the chunk size.
@Suite struct ChurnSequenceTests {
    /// Four weeks ending at Thursday 2011-02-10: [Jan 13, Jan 20), [Jan 20, Jan 27), [Jan 27, Feb 3), [Feb 3, Feb 10).
    private let asOf = CalendarDate.instant("2011-02-10")!
    private let fourWeeks = ChurnSequenceShape(period: .week, periods: 4)

    private func fixtureWarehouse(_ scratch: Scratch) throws -> Warehouse {
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("orders.csv", featureFixture), options: ImportOptions(kind: .orders, format: .csv, currency: "GBP"))
        _ = try warehouse.importFile(try scratch.file("events.csv", featureEvents), options: ImportOptions(kind: .events, format: .csv))
        return warehouse
    }

    private func periods(_ warehouse: Warehouse, asOf: Int64, shape: ChurnSequenceShape) throws -> [ChurnSequencePeriod] {
        var rows: [ChurnSequencePeriod] = []
        try warehouse.churnSequencePeriods(asOf: asOf, shape: shape) { rows.append($0) }
        return rows
    }

    @Test("the periods of two hand-made customers equal the values computed by hand, and the tensor their transforms")
    func handComputedPeriods() throws {
        let scratch = try Scratch()
        let warehouse = try fixtureWarehouse(scratch)
        let ids = Dictionary(uniqueKeysWithValues: try warehouse.customerIDs().map { ($0.value, $0.key) })
        let (u1, u2) = (try #require(ids["u1"]), try #require(ids["u2"]))
        let rows = try periods(warehouse, asOf: asOf, shape: fourWeeks)
        func period(_ user: Int64, _ index: Int, purchases: Int64 = 0, net: Int64 = 0, returns: Int64 = 0, views: Int64 = 0,
                    reviews: Int64 = 0, score: Double? = nil, days: Double?) -> ChurnSequencePeriod {
            ChurnSequencePeriod(userID: user, period: index, purchases: purchases, netMicros: net, returns: returns, views: views,
                                carts: 0, purchaseEvents: 0, reviews: reviews, meanReviewScore: score, daysSinceActivity: days)
        }
        // u1: purchases Jan 1 and Jan 11 10:00 before the window; Jan 31 10:00 (30.00), a return
        // Feb 1 09:00 (−5.00), a view Jan 28 and a review of 4 Jan 30, all in week 2. Days since
        // activity count from Jan 11 10:00 until week 2, then from Feb 1 09:00.
        // u2: one purchase Jan 20 12:00 (7.50), nothing before: no activity yet in week 0.
        // The guest order of Jan 25 belongs to nobody.
        let expected = [
            period(u1, 0, days: 8 + 14.0 / 24), period(u1, 1, days: 15 + 14.0 / 24),
            period(u1, 2, purchases: 1, net: 25_000_000, returns: 1, views: 1, reviews: 1, score: 4, days: 1 + 15.0 / 24),
            period(u1, 3, days: 8 + 15.0 / 24),
            period(u2, 0, days: nil), period(u2, 1, purchases: 1, net: 7_500_000, days: 6.5), period(u2, 2, days: 13.5),
            period(u2, 3, days: 20.5),
        ].sorted { ($0.userID, $0.period) < ($1.userID, $1.period) }
        #expect(rows.count == expected.count)
        for (row, wanted) in zip(rows, expected) {
            #expect(row.userID == wanted.userID && row.period == wanted.period && row.purchases == wanted.purchases)
            #expect(row.netMicros == wanted.netMicros && row.returns == wanted.returns && row.views == wanted.views)
            #expect(row.reviews == wanted.reviews && row.meanReviewScore == wanted.meanReviewScore && row.carts == 0)
            // Days are (seconds) / 86400.0 in SQL: equal to the fraction above to rounding.
            #expect(abs((row.daysSinceActivity ?? -1) - (wanted.daysSinceActivity ?? -1)) < 1e-12, "\(row)")
        }

        let tensor = try warehouse.churnSequences(users: [u1, u2].sorted(), asOf: asOf, shape: fourWeeks)
        #expect(tensor.count == 2 && tensor.periods == 4 && tensor.features == ChurnSequencePeriod.inputNames.count)
        let first = u1 < u2 ? 0 : 1
        let week2 = Array(tensor.values[(first * 4 + 2) * 10..<(first * 4 + 3) * 10])
        let hand = [log(2.0), asinh(25.0), log(2.0), log(2.0), 0, 0, log(2.0), 4, 1, log(1 + 1 + 15.0 / 24)]
        #expect(zip(week2, hand).allSatisfy { abs($0 - $1) < 1e-12 }, "\(week2)")
        let u2Week0 = Array(tensor.values[((1 - first) * 4) * 10..<((1 - first) * 4 + 1) * 10])
        #expect(u2Week0 == [Double](repeating: 0, count: 10))  // no activity yet: every input 0
    }

    @Test("orders and events at or after the as-of change nothing in the sequences; a later as-of sees them")
    func laterFactsChangeNothing() throws {
        let scratch = try Scratch()
        let warehouse = try fixtureWarehouse(scratch)
        let users = try warehouse.churnCustomers(before: asOf)
        let rows = try periods(warehouse, asOf: asOf, shape: fourWeeks)
        let before = try warehouse.churnSequences(users: users, asOf: asOf, shape: fourWeeks)
        _ = try warehouse.importFile(try scratch.file("later.csv", """
            order_id,ordered_at,customer_id,product_id,quantity,unit_price,kind
            9,2011-02-10T00:00:00Z,u1,P9,1,1000.00,
            10,2011-03-01T00:00:00Z,u2,P9,1,1000.00,
            R9,2011-02-10T00:00:00Z,u2,P2,-1,7.50,return
            11,2011-02-12T00:00:00Z,u3,P9,1,5.00,
            12,2011-02-10T00:00:00Z,u4,P9,1,5.00,

            """), options: ImportOptions(kind: .orders, format: .csv, currency: "GBP"))
        _ = try warehouse.importFile(try scratch.file("later-events.csv", """
            event_id,user_id,occurred_at,type,product_id,value,properties
            e9,u2,2011-02-10T00:00:00Z,review,P9,1,
            e10,u1,2011-02-11T00:00:00Z,view,P9,,

            """), options: ImportOptions(kind: .events, format: .csv))
        #expect(try warehouse.churnCustomers(before: asOf) == users)  // u3's and u4's first purchases are not before
        #expect(try periods(warehouse, asOf: asOf, shape: fourWeeks) == rows)
        #expect(try warehouse.churnSequences(users: users, asOf: asOf, shape: fourWeeks) == before)
        // A week later, the last week [Feb 10, Feb 17) holds them.
        let ids = Dictionary(uniqueKeysWithValues: try warehouse.customerIDs().map { ($0.value, $0.key) })
        let lastWeek = try periods(warehouse, asOf: asOf + 7 * 86_400, shape: fourWeeks).filter { $0.period == 3 }
        let u1 = try #require(lastWeek.first { $0.userID == ids["u1"] })
        let u2 = try #require(lastWeek.first { $0.userID == ids["u2"] })
        #expect(u1.purchases == 1 && u1.netMicros == 1_000_000_000 && u1.views == 1)
        #expect(u2.returns == 1 && u2.netMicros == -7_500_000 && u2.reviews == 1 && u2.meanReviewScore == 1)
    }

    @Test("on a generated shop, deleting every order and event from the as-of on leaves the sequences as they were")
    func generatedShopIsPointInTime() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 600)
        let asOf = CalendarDate.instant("2011-06-01")!
        let shape = ChurnSequenceShape(period: .month, periods: 6)
        let before = try periods(warehouse, asOf: asOf, shape: shape)
        #expect(try warehouse.count("SELECT count(*) FROM orders WHERE ordered_at >= ? AND user_id IS NOT NULL", asOf) > 0)
        try warehouse.db.execute("PRAGMA foreign_keys = OFF")
        try warehouse.db.execute("DELETE FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE ordered_at >= \(asOf))")
        try warehouse.db.execute("DELETE FROM orders WHERE ordered_at >= \(asOf)")
        try warehouse.db.execute("DELETE FROM events WHERE occurred_at >= \(asOf)")
        #expect(try periods(warehouse, asOf: asOf, shape: shape) == before)
        // Something happens in the window at all: not every period is empty.
        #expect(before.contains { $0.purchases > 0 } && before.contains { $0.views > 0 } && before.contains { $0.returns > 0 })
    }

    @Test("reading customers in chunks gives the tensor of one read, ids and values in order")
    func chunksGiveTheSameTensor() throws {
        let scratch = try Scratch()
        let warehouse = try sampleWarehouse(scratch, users: 300)
        let asOf = CalendarDate.instant("2011-06-01")!
        let users = try warehouse.churnCustomers(before: asOf)
        var ids: [Int64] = [], values: [Double] = []
        try warehouse.forEachChurnSequenceChunk(users: users, asOf: asOf, shape: .standard, chunkSize: 7) { chunk, tensor in
            #expect(chunk.count <= 7 && tensor.count == chunk.count)
            ids += chunk
            values += tensor.values
        }
        #expect(ids == users)
        #expect(values == (try warehouse.churnSequences(users: users, asOf: asOf, shape: .standard)).values)
        // Users without a purchase before the as-of have no history: an error, never zeros.
        #expect(throws: ChurnTrainingError.self) {
            try warehouse.churnSequences(users: [Int64.max - 1], asOf: asOf, shape: .standard)
        }
    }
}
