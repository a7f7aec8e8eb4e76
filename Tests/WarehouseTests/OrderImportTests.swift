import Foundation
import Testing
import SQLiteStore
@testable import Warehouse

/// A hand-made Online Retail file: 11 data rows, 2 of them bad.
let onlineRetailFixture = """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom
536365,71053,"SET OF 3 ""VINTAGE"" TINS, LARGE",6,2010-12-01 08:26:00,3.39,17850,United Kingdom
536365,71053,"SET OF 3 ""VINTAGE"" TINS, LARGE",6,2010-12-01 08:26:00,3.39,17850,United Kingdom
C536379,85123A, WHITE HANGING HEART T-LIGHT HOLDER ,-2,2010-12-01 09:41:00,2.55,17850,United Kingdom
536414,22139,,56,2010-12-01 11:52:00,0,,United Kingdom
536415,POST,POSTAGE,1,2011-06-01 10:00:00,18,12583,France
A563185,B,Adjust bad debt,1,2011-08-12 14:50:00,11062.06,,United Kingdom
536416,21275,damaged,-10,2010-12-01 12:00:00,0,,United Kingdom
536417,PADS,PADS TO MATCH ALL CUSHIONS,1,2011-06-01 10:00:00,0.001,12583,France
536418,22222,BAD QUANTITY,six,2010-12-01 12:00:00,1.00,12583,France
536419,22222,BAD DATE,1,2010-13-45 12:00:00,1.00,12583,France

"""

@Suite struct OrderImportTests {
    @Test func onlineRetailRowsBecomeOrdersLinesUsersAndProducts() throws {
        let scratch = try Scratch()
        let file = try scratch.file("or.csv", onlineRetailFixture)
        let warehouse = try scratch.warehouse()
        let summary = try warehouse.importFile(file, options: orderOptions(.onlineRetail))
        #expect(summary.counts.read == 11)
        #expect(summary.counts.loaded == 9)
        #expect(summary.counts.rejected == 2)
        #expect(summary.counts.duplicate == 0)
        #expect(summary.counts.isBalanced)
        #expect(summary.counts.ordersCreated == 7)
        #expect(summary.counts.guestOrders == 3)   // 536414, A563185, 536416
        #expect(summary.counts.returnOrders == 1)
        #expect(try warehouse.count("SELECT count(*) FROM users") == 2)
        #expect(try warehouse.count("SELECT count(*) FROM products") == 7)  // the rejected rows add none
        // Kinds from the source's markers.
        let kinds = try warehouse.db.query("SELECT external_id, kind FROM orders ORDER BY external_id").map { "\($0[0]):\($0[1])" }
        #expect(kinds == ["536365:purchase", "536414:purchase", "536415:purchase", "536416:write_off", "536417:purchase",
                          "A563185:adjustment", "C536379:return"])
        // The exact duplicate line is kept, as in the source, as occurrence 2.
        #expect(try warehouse.count("SELECT max(occurrence) FROM order_lines") == 2)
        // Money is exact: 6×2.55 + 2×6×3.39 = 55.98; 0.001 survives.
        #expect(try warehouse.db.scalar("SELECT amount FROM orders_v WHERE order_ref = '536365'").string == "55.98")
        #expect(try warehouse.db.scalar("SELECT amount FROM orders_v WHERE order_ref = 'C536379'").string == "-5.10")
        #expect(try warehouse.db.scalar("SELECT amount FROM orders_v WHERE order_ref = '536417'").string == "0.001")
        // Descriptions keep their spaces; non-merchandise codes are marked.
        #expect(try warehouse.db.scalar("SELECT description FROM order_lines_v WHERE order_ref = 'C536379'").string == " WHITE HANGING HEART T-LIGHT HOLDER ")
        #expect(try warehouse.count("SELECT count(*) FROM products WHERE is_merchandise = 0") == 3)  // POST, B, PADS
        // London time: 2011-06-01 10:00 BST is 09:00 UTC; December is GMT.
        #expect(try warehouse.db.scalar("SELECT ordered_at_utc FROM orders_v WHERE order_ref = '536415'").string == "2011-06-01T09:00:00Z")
        #expect(try warehouse.db.scalar("SELECT ordered_at_utc FROM orders_v WHERE order_ref = '536365'").string == "2010-12-01T08:26:00Z")
        // Rejects name the line and the reason and keep the raw text.
        let rejects = try warehouse.rejects(importID: summary.importID)
        #expect(rejects.map(\.line) == [11, 12])
        #expect(rejects[0].reason == "quantity 'six' is not a whole number")
        #expect(rejects[1].reason.contains("invoice date '2010-13-45 12:00:00'"))
        #expect(rejects[0].raw == "536418,22222,BAD QUANTITY,six,2010-12-01 12:00:00,1.00,12583,France")
        let ledger = try warehouse.db.query("SELECT status, rows_read, rows_loaded, rows_rejected, sha256 FROM imports")[0]
        #expect(ledger[0] == .text("finished"))
        #expect(ledger[1] == .integer(11))
        #expect(ledger[4].string?.count == 64)
    }

    @Test func importingTheSameFileTwiceChangesNothing() throws {
        let scratch = try Scratch()
        let file = try scratch.file("or.csv", onlineRetailFixture)
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(file, options: orderOptions(.onlineRetail))
        let before = try warehouse.db.query("SELECT * FROM orders_v ORDER BY id").map(\.values)
        let second = try warehouse.importFile(file, options: orderOptions(.onlineRetail))
        #expect(second.counts.read == 11)
        #expect(second.counts.loaded == 0)
        #expect(second.counts.duplicate == 9)
        #expect(second.counts.rejected == 2)
        #expect(second.counts.ordersCreated == 0)
        let after = try warehouse.db.query("SELECT * FROM orders_v ORDER BY id").map(\.values)
        #expect(before == after)
        #expect(try warehouse.count("SELECT count(*) FROM order_lines") == 9)
    }

    @Test func overlappingDumpsMergeByInvoiceWhateverTheLineOrder() throws {
        let scratch = try Scratch()
        let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        let a = "100001,111,A,1,2011-01-03 10:00:00,1.50,12345,UK\n"
        let b = "100001,222,B,2,2011-01-03 10:00:00,2.00,12345,UK\n"
        let c = "100001,222,B,2,2011-01-03 10:00:00,2.00,12345,UK\n"  // the same line twice in the invoice
        let d = "100002,333,C,1,2011-01-04 10:00:00,9.99,12345,UK\n"
        let first = try scratch.file("jan-a.csv", header + a + b + c)
        // The second dump lists the invoice's lines in another order, repeats one line once more, and adds an invoice.
        let second = try scratch.file("jan-b.csv", header + c + d + a + b + b)
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(first, options: orderOptions(.onlineRetail))
        let merge = try warehouse.importFile(second, options: orderOptions(.onlineRetail))
        #expect(merge.counts.read == 5)
        #expect(merge.counts.duplicate == 3)   // c, a, b match the stored lines
        #expect(merge.counts.loaded == 2)      // the new invoice, and the third copy of B
        #expect(try warehouse.count("SELECT count(*) FROM orders") == 2)
        #expect(try warehouse.count("SELECT line_count FROM orders WHERE external_id = '100001'") == 4)
        #expect(try warehouse.db.scalar("SELECT amount FROM orders_v WHERE order_ref = '100001'").string == "13.50")
        // Importing the second dump again is a no-op.
        let again = try warehouse.importFile(second, options: orderOptions(.onlineRetail))
        #expect(again.counts.loaded == 0)
        #expect(again.counts.duplicate == 5)
    }

    /// New orders are written once their run of lines ends, and lines are written before their
    /// order within a batch: whatever the batch size, an invoice split over batches or over the
    /// file gets the same totals, and every reference holds once committed.
    @Test func invoicesSplitAcrossBatchesAndTheFileGetTheSameTotals() throws {
        let scratch = try Scratch()
        let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        let rows = [
            "100001,111,A,1,2011-01-03 10:00:00,1.50,12345,UK",
            "100001,222,B,2,2011-01-03 10:00:00,2.00,12345,UK",
            "100001,222,B,2,2011-01-03 10:00:00,2.00,12345,UK",
            "100002,333,C,1,2011-01-04 10:00:00,9.99,,UK",
            "100001,444,D,3,2011-01-02 09:00:00,0.10,12345,UK",  // the invoice again, with an earlier line
            "100003,111,A,1,2011-01-05 10:00:00,1.50,777,FR",
            "100002,333,C,1,2011-01-04 10:00:00,9.99,,UK",
        ]
        let file = try scratch.file("split.csv", header + rows.joined(separator: "\n") + "\n")
        var stored: [[[SQLValue]]] = []
        for batchSize in [1, 2, 3, 50_000] {
            let warehouse = try Warehouse(path: scratch.path("batch-\(batchSize).db"))
            let summary = try warehouse.importFile(file, options: orderOptions(.onlineRetail, batchSize: batchSize))
            #expect(summary.counts.loaded == 7)
            #expect(summary.counts.ordersCreated == 3)
            #expect(try warehouse.count("PRAGMA foreign_keys") == 1)
            #expect(try warehouse.db.query("PRAGMA foreign_key_check").isEmpty)
            // The background checkpointer hands automatic checkpoints back.
            #expect(try warehouse.count("PRAGMA wal_autocheckpoint") == 1000)
            stored.append(try warehouse.db.query("""
                SELECT id, external_id, user_id, ordered_at, amount_micros, line_count, item_count FROM orders ORDER BY id
                """).map(\.values))
            let again = try warehouse.importFile(file, options: orderOptions(.onlineRetail, batchSize: batchSize))
            #expect(again.counts.duplicate == 7)
        }
        #expect(stored.allSatisfy { $0 == stored[0] })
        let first = stored[0][0]
        #expect(first[1] == .text("100001"))
        #expect(first[4] == .integer(9_800_000))   // 1.50 + 2 × (2 × 2.00) + 3 × 0.10
        #expect(first[5] == .integer(4))
        #expect(first[6] == .integer(8))
        #expect(try Warehouse(path: scratch.path("batch-1.db")).db.scalar(
            "SELECT ordered_at_utc FROM orders_v WHERE order_ref = '100001'").string == "2011-01-02T09:00:00Z")
    }

    /// With foreign keys off, the per-batch check is what refuses a line whose order or product
    /// is missing, an order above the batch's start left out (a gap), or another import's id;
    /// products are checked by range when their ids are dense and looked up when they are not.
    @Test func batchReferenceCheckRefusesMissingRows() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let db = warehouse.db
        try db.execute("""
            PRAGMA foreign_keys = OFF;
            INSERT INTO imports (id, kind, format, file_name, status, started_at) VALUES (1, 'orders', 'csv', 'f', 'running', 0);
            INSERT INTO products (id, external_id, import_id) VALUES (1, 'P', 1);
            INSERT INTO orders (id, external_id, ordered_at, kind, currency, import_id) VALUES (1, 'O1', 0, 'purchase', 'GBP', 1);
            """)
        let line = "INSERT INTO order_lines (order_id, product_id, line_key, occurrence, quantity, amount_micros, line_at, source_line, import_id)"
        let product = "INSERT INTO products (id, external_id, import_id) VALUES "
        let broken = [
            "\(line) VALUES (1, 1, 1, 1, 1, 0, 0, 2, 1)": false,   // every reference holds
            "\(line) VALUES (2, 1, 2, 1, 1, 0, 0, 2, 1)": true,    // order 2 does not exist
            "\(line) VALUES (1, 7, 3, 1, 1, 0, 0, 2, 1)": true,    // product 7 does not exist
            // Products' ids dense (1, 2): compared with the range, not looked up.
            "\(product)(2, 'Q', 1); \(line) VALUES (1, 2, 5, 1, 1, 0, 0, 2, 1)": false,
            "\(product)(2, 'Q', 1); \(line) VALUES (1, 3, 5, 1, 1, 0, 0, 2, 1)": true,
            // With a gap (1, 3) each line's product is looked up.
            "\(product)(3, 'Q', 1); \(line) VALUES (1, 3, 5, 1, 1, 0, 0, 2, 1)": false,
            "\(product)(3, 'Q', 1); \(line) VALUES (1, 2, 5, 1, 1, 0, 0, 2, 1)": true,
            // Ids 0 and 2: as many as the largest id, yet 1 is missing.
            "DELETE FROM products WHERE id = 1; \(product)(0, 'Z', 1), (2, 'Q', 1); \(line) VALUES (1, 1, 5, 1, 1, 0, 0, 2, 1)": true,
            "\(line) VALUES (1, 1, 4, 1, 1, 0, 0, 2, 9)": true,    // another import's id
            "INSERT INTO orders (id, external_id, ordered_at, kind, currency, import_id) VALUES (3, 'O3', 0, 'purchase', 'GBP', 1)": true,  // id 2 skipped
        ]
        for (sql, refused) in broken {
            var check = try BatchReferenceCheck(db: db, importID: 1, file: "f")
            try db.execute("SAVEPOINT probe")
            try db.execute(sql)
            if refused {
                #expect(throws: ImportError.self, "\(sql)") { try check.verify() }
            } else {
                try check.verify()
            }
            try db.execute("ROLLBACK TO probe; RELEASE probe")
        }
    }

    @Test func onlineRetailIIAndKaggleLayoutsAreRead() throws {
        let scratch = try Scratch()
        let two = try scratch.file("orii.csv", """
            Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
            489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom

            """)
        // Kaggle's export: Latin-1 (£ is byte 0xA3), M/D/YYYY H:MM dates, ids with ".0".
        var kaggle = Array("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n".utf8)
        kaggle += Array("536365,85123A,GIFT VOUCHER ".utf8) + [0xA3] + Array("10,1,12/1/2010 8:26,2.55,17850.0,United Kingdom\n".utf8)
        let kagglePath = try scratch.bytes("data.csv", kaggle)
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(two, options: orderOptions(.onlineRetail))
        let summary = try warehouse.importFile(kagglePath, options: orderOptions(.onlineRetail))
        #expect(summary.counts.loaded == 1)
        let users = try warehouse.db.query("SELECT external_id FROM users ORDER BY 1").compactMap { $0[0].string }
        #expect(users == ["13085", "17850"])
        #expect(try warehouse.db.scalar("SELECT description FROM order_lines_v WHERE order_ref = '536365'").string == "GIFT VOUCHER £10")
        #expect(try warehouse.db.scalar("SELECT ordered_at_utc FROM orders_v WHERE order_ref = '536365'").string == "2010-12-01T08:26:00Z")
        // In strict UTF-8 the same row is rejected with the reason (in another warehouse: this one
        // refuses the file with an encoding other than import 2's).
        let other = try scratch.warehouse("strict.db")
        let strictUTF8 = try other.importFile(kagglePath, options: orderOptions(.onlineRetail, encoding: .utf8))
        #expect(strictUTF8.counts.rejected == 1)
        #expect(try other.rejects(importID: strictUTF8.importID)[0].reason.contains("not valid UTF-8"))
    }

    @Test func headerWithoutARequiredColumnIsAClearError() throws {
        let scratch = try Scratch()
        let file = try scratch.file("bad.csv", "InvoiceNo,StockCode,Quantity\n1,2,3\n")
        let warehouse = try scratch.warehouse()
        let error = #expect(throws: ImportError.self) { try warehouse.importFile(file, options: orderOptions(.onlineRetail)) }
        #expect(error?.description.hasPrefix("\(file):1: the header has no description column") == true)
        #expect(try warehouse.db.scalar("SELECT status FROM imports").string == "failed")
        // The import turned foreign-key enforcement off for itself; a failed one turns it back on too.
        #expect(try warehouse.count("PRAGMA foreign_keys") == 1)
    }

    @Test("--strict is all or nothing: a bad row after good ones, even batches later, leaves nothing of the file stored")
    func strictStoresNothingWhenARowIsBad() throws {
        let scratch = try Scratch()
        let file = try scratch.file("or.csv", onlineRetailFixture)
        let warehouse = try scratch.warehouse()
        let error = #expect(throws: ImportError.self) {
            try warehouse.importFile(file, options: orderOptions(.onlineRetail, strict: true, batchSize: 2))
        }
        #expect(error?.line == 11)
        #expect(error?.description == "\(file):11: quantity 'six' is not a whole number (--strict: nothing from the file was stored)")
        for table in ["orders", "order_lines", "users", "products", "customer_totals"] {
            #expect(try warehouse.count("SELECT count(*) FROM \(table)") == 0, "\(table)")
        }
        // The ledger keeps the failed import, the row that stopped it, and the error naming file
        // (by its base name, as the ledger does) and line.
        let ledger = try warehouse.db.query("SELECT status, rows_read, rows_loaded, rows_rejected, error FROM imports")[0]
        #expect(ledger.values == [.text("failed"), .integer(1), .integer(0), .integer(1),
                                  .text("or.csv:11: quantity 'six' is not a whole number (--strict: nothing from the file was stored)")])
        #expect(try warehouse.rejects(importID: 1).map(\.line) == [11])
        #expect(try warehouse.count("PRAGMA foreign_keys") == 1)
    }

    @Test func cdnowSampleAndMasterRowsAreTheSameOrders() throws {
        let scratch = try Scratch()
        let master = try scratch.file("master.txt", " customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  1   12.00\r\n 00002 19970112  5   77.00\r\n 00003 19970102  2   20.76\r\n")
        let sample = try scratch.file("sample.txt", " 00002 0001 19970112  1   12.00\r\n 00002 0001 19970112  5   77.00\r\n")
        let warehouse = try scratch.warehouse()
        let first = try warehouse.importFile(sample, options: orderOptions(.cdnow, zone: utc))
        #expect(first.counts.loaded == 2)
        let second = try warehouse.importFile(master, options: orderOptions(.cdnow, zone: utc))
        #expect(second.counts.read == 4)
        #expect(second.counts.duplicate == 2)
        #expect(second.counts.loaded == 2)
        #expect(try warehouse.count("SELECT count(*) FROM orders") == 4)
        #expect(try warehouse.db.scalar("SELECT sum(amount_micros) FROM orders").int64 == 121_530_000)
        #expect(try warehouse.db.scalar("SELECT group_concat(currency) FROM (SELECT DISTINCT currency FROM orders)").string == "USD")
        #expect(try warehouse.db.scalar("SELECT min(ordered_at_utc) FROM orders_v").string == "1997-01-01T00:00:00Z")
    }

    @Test func genericCSVWithAColumnMap() throws {
        let scratch = try Scratch()
        let file = try scratch.file("shop.csv", """
            ref;when;who;sku;qty;price;cur
            W-1;2024-03-01T10:00:00+01:00;u1;S1;2;9.95;EUR
            W-1;2024-03-01T10:00:00+01:00;u1;S2;1;0.10;EUR
            W-2;2024-03-02T12:00:00Z;;S1;-1;9.95;EUR

            """)
        let warehouse = try scratch.warehouse()
        var options = orderOptions(.csv, zone: nil, map: ["order_id": "ref", "ordered_at": "when", "customer_id": "who",
                                                          "product_id": "sku", "quantity": "qty", "unit_price": "price", "currency": "cur"])
        options.delimiter = UInt8(ascii: ";")
        let summary = try warehouse.importFile(file, options: options)
        #expect(summary.counts.loaded == 3)
        #expect(summary.counts.guestOrders == 1)
        #expect(summary.counts.returnOrders == 1)
        #expect(try warehouse.db.scalar("SELECT amount FROM orders_v WHERE order_ref = 'W-1'").string == "20.00")
        #expect(try warehouse.db.scalar("SELECT ordered_at_utc FROM orders_v WHERE order_ref = 'W-1'").string == "2024-03-01T09:00:00Z")
        let unknown = #expect(throws: ImportError.self) {
            try scratch.warehouse("other.db").importFile(file, options: orderOptions(.csv, zone: nil, map: ["order": "ref"]))
        }
        #expect(unknown?.reason.contains("unknown field 'order'") == true)
    }
}

@Suite struct OrdersByMonthTests {
    @Test func monthlyFiguresFromTheEmbeddedQuery() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("or.csv", onlineRetailFixture), options: orderOptions(.onlineRetail))
        let months = try warehouse.ordersByMonth()
        #expect(months.map(\.month) == ["2010-12", "2011-06", "2011-08"])
        // December 2010: 536365 (55.98), 536414 (0, guest), 536416 write-off (0), C536379 (−5.10).
        #expect(months[0] == MonthlyOrders(month: "2010-12", purchases: 2, customers: 1, netMicros: 50_880_000))
        #expect(months[1].netMicros == 18_001_000)   // POST 18 + PADS 0.001
    }
}
