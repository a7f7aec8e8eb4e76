import Foundation
import Testing
@testable import Warehouse

/// Imports the real data sets in ../shared/data and checks the counts their READMEs give.
/// Figures not in the READMEs (guest and return invoices, the exact money total) were computed
/// independently with Python's csv and decimal modules over the same file (docs/FORMATS.md).
@Suite struct RealDataConformanceTests {
    static let onlineRetail = SharedData.path("online-retail/online_retail.csv.gz")
    static let cdnowMaster = SharedData.path("cdnow/CDNOW_master.txt")
    static let cdnowSample = SharedData.path("cdnow/CDNOW_sample.txt")

    @Test(.enabled(if: onlineRetail != nil, "skipped: ../shared/data/online-retail/online_retail.csv.gz is not present"))
    func onlineRetailLandsWhole() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let summary = try warehouse.importFile(Self.onlineRetail!, options: orderOptions(.onlineRetail))
        #expect(summary.counts.read == 541_909)
        #expect(summary.counts.loaded == 541_909)     // the 5,268 exact duplicate rows are kept, as in the source
        #expect(summary.counts.rejected == 0)
        #expect(summary.counts.ordersCreated == 25_900)
        #expect(summary.counts.guestOrders == 3_710)
        #expect(summary.counts.returnOrders == 3_836)
        #expect(try warehouse.count("SELECT count(*) FROM users") == 4_372)
        // The README's 4,070 StockCodes are the codes exactly as written: none has blanks around it,
        // and the 112 codes written in two cases (85123a, 85123A) are two products each.
        #expect(try warehouse.count("SELECT count(*) FROM products") == 4_070)
        #expect(try warehouse.count("SELECT count(*) FROM products WHERE external_id <> trim(external_id)") == 0)
        #expect(try warehouse.count("SELECT count(DISTINCT upper(external_id)) FROM products") == 4_070 - 112)
        #expect(try warehouse.count("SELECT count(*) FROM order_lines WHERE quantity < 0") == 10_624)
        #expect(try warehouse.count("SELECT count(*) FROM orders WHERE kind = 'adjustment'") == 1 + 2)
        #expect(try warehouse.db.scalar("SELECT sum(quantity) FROM order_lines").int64 == 5_176_450)
        // Exactly 9,747,747.934 (the README rounds it to 9,747,747.93); no float in between.
        #expect(try warehouse.db.scalar("SELECT sum(amount_micros) FROM orders").int64 == 9_747_747_934_000)
        #expect(try warehouse.count("SELECT count(*) FROM order_lines WHERE description <> trim(description)") == 113_452)
        #expect(try warehouse.count("SELECT count(*) FROM order_lines WHERE description IS NULL") == 1_454)
        #expect(try warehouse.count("SELECT count(*) FROM order_lines WHERE occurrence > 1") == 5_268)
        // The first and last invoices, in UTC (December and 2011-12-09 are GMT).
        #expect(try warehouse.db.scalar("SELECT min(ordered_at_utc) || ' ' || max(ordered_at_utc) FROM orders_v").string
                == "2010-12-01T08:26:00Z 2011-12-09T12:50:00Z")
        #expect(try warehouse.db.scalar("PRAGMA integrity_check").string == "ok")
    }

    @Test(.enabled(if: cdnowMaster != nil && cdnowSample != nil, "skipped: ../shared/data/cdnow is not present"))
    func cdnowMasterAndSample() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let master = try warehouse.importFile(Self.cdnowMaster!, options: orderOptions(.cdnow, zone: utc))
        #expect(master.counts.read == 69_659)
        #expect(master.counts.loaded == 69_659)
        #expect(try warehouse.count("SELECT count(*) FROM users") == 23_570)
        #expect(try warehouse.db.scalar("SELECT sum(amount_micros) FROM orders").int64 == 2_500_315_630_000)
        #expect(try warehouse.count("SELECT count(DISTINCT user_id || ':' || ordered_at) FROM orders") == 67_591)
        // The sample is a subset of the master: every row is already there.
        let sample = try warehouse.importFile(Self.cdnowSample!, options: orderOptions(.cdnow, zone: utc))
        #expect(sample.counts.read == 6_919)
        #expect(sample.counts.duplicate == 6_919)
        let other = try Scratch()
        let alone = try other.warehouse()
        _ = try alone.importFile(Self.cdnowSample!, options: orderOptions(.cdnow, zone: utc))
        #expect(try alone.count("SELECT count(*) FROM users") == 2_357)
        #expect(try alone.db.scalar("SELECT sum(amount_micros) FROM orders").int64 == 244_091_940_000)
    }
}
