import Foundation
import Testing

/// `lifecycle imports list|undo` and the refusal of a re-import with other options, through the binary.
@Suite struct ImportsCLITests {
    static let dump = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
        556001,22423,REGENCY CAKESTAND 3 TIER,2,6/8/2011 12:05,11.80,12583,France

        """

    @Test("the issue's sequence through the binary: other options refused naming import 1; imports list shows the ledger; undo empties it")
    func reimportRefusedListedAndUndone() throws {
        let work = try WorkDirectory()
        try Self.dump.write(toFile: work.path("orders.csv"), atomically: true, encoding: .utf8)
        let base = ["import", "orders", "orders.csv", "--format", "online-retail", "--db", "w.db"]
        let first = try Binary.run(base + ["--timezone", "Europe/London"], directory: work.url)
        #expect(first.status == 0, "\(first.stderr)")
        let utc = try Binary.run(base + ["--timezone", "UTC"], directory: work.url)
        #expect(utc.status != 0)
        #expect(utc.stderr.contains("orders.csv: this file was already imported by import 1 with other options (--timezone Europe/London in import 1"))
        let newYork = try Binary.run(base + ["--timezone", "America/New_York", "--currency", "USD"], directory: work.url)
        #expect(newYork.status != 0)
        #expect(newYork.stderr.contains("--currency not given in import 1, USD now"))

        let list = try Binary.run(["imports", "list", "--db", "w.db", "--format", "json"], directory: work.url)
        #expect(list.status == 0, "\(list.stderr)")
        let rows = (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]]
        #expect(rows?.count == 1)   // the refused imports left no ledger row
        #expect(rows?.first?["id"] as? Int == 1)
        #expect(rows?.first?["status"] as? String == "finished")
        #expect(rows?.first?["loaded"] as? Int == 2)
        #expect(rows?.first?["file"] as? String == "orders.csv")
        #expect((rows?.first?["started_at"] as? String)?.hasSuffix("Z") == true)
        #expect((rows?.first?["options"] as? String)?.contains("\"timezone\":\"Europe/London\"") == true)

        let dry = try Binary.run(["imports", "undo", "1", "--dry-run", "--db", "w.db"], directory: work.url)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would remove 2 orders, 2 order lines"))
        let undo = try Binary.run(["imports", "undo", "1", "--db", "w.db"], directory: work.url)
        #expect(undo.stdout == "import 1 (orders, orders.csv): removed 2 orders, 2 order lines (restoring 0 earlier orders), 0 events, 2 users, 2 products\n")
        let csv = try Binary.run(["imports", "list", "--db", "w.db", "--format", "csv"], directory: work.url)
        let status = try Binary.run(["status", "--db", "w.db", "--format", "json"], directory: work.url)
        let recent = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]]
        #expect(recent?.first { $0["section"] as? String == "import 1" && $0["name"] as? String == "status" }?["value"] as? String == "undone")
        #expect(csv.stdout.hasPrefix("id,kind,format,file,status,read,loaded,duplicates,rejected,erased,orders_created,started_at,finished_at,undone_at,options\n1,orders,online-retail,orders.csv,undone,2,2,0,0,0,2,"))

        // Undone, the file imports with the other options.
        let again = try Binary.run(base + ["--timezone", "America/New_York", "--currency", "USD"], directory: work.url)
        #expect(again.status == 0, "\(again.stderr)")
        let refused = try Binary.run(["imports", "undo", "1", "--db", "w.db"], directory: work.url)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("cannot undo import 1: it was already undone"))
    }
}
