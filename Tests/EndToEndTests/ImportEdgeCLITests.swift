import Foundation
import SQLiteStore
import Testing

/// The import's edges as a user meets them through the binary (issue 13, items 3 and 8).
@Suite struct ImportEdgeCLITests {
    static let dump = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom
        536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850,United Kingdom
        536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047,United Kingdom
        536368,22960,JAM MAKING SET WITH JARS,six,2010-12-01 08:34:00,4.25,13047,United Kingdom
        536369,22961,JAM MAKING SET PRINTED,6,0001-01-01 08:34:00,4.25,13047,United Kingdom

        """

    @Test("--strict on standard input stores nothing when a row is bad and names the row")
    func strictStdinIsAllOrNothing() throws {
        let work = try WorkDirectory()
        let result = try Binary.run(["import", "orders", "-", "--format", "online-retail", "--timezone", "Europe/London",
                                     "--db", "w.db", "--strict", "--batch-size", "1"], directory: work.url, stdin: Data(Self.dump.utf8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("-:5: quantity 'six' is not a whole number"))
        #expect(result.stderr.contains("(--strict: nothing from the file was stored)"))
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM order_lines").int64 == 0)
        #expect(try db.scalar("SELECT count(*) FROM users").int64 == 0)
        #expect(try db.scalar("SELECT status || ' ' || rows_rejected FROM imports").string == "failed 1")
    }

    @Test("--dates-between narrows the accepted dates and a malformed window is a usage error naming the flag")
    func datesBetweenOnTheCommandLine() throws {
        let work = try WorkDirectory()
        try Self.dump.write(toFile: work.path("d.csv"), atomically: true, encoding: .utf8)
        let bad = try Binary.run(["import", "orders", "d.csv", "--format", "online-retail", "--timezone", "Europe/London",
                                  "--db", "w.db", "--dates-between", "2011-01-01"], directory: work.url)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--dates-between 2011-01-01: expected FROM..TO"))
        let narrow = try Binary.run(["import", "orders", "d.csv", "--format", "online-retail", "--timezone", "Europe/London",
                                     "--db", "w.db", "--dates-between", "2010-12-01..2010-12-02", "--json"], directory: work.url)
        #expect(narrow.status == 0, "\(narrow.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(narrow.stdout.utf8)) as? [[String: Any]]
        #expect(summary?.first?["loaded"] as? Int == 3)
        #expect(summary?.first?["rejected"] as? Int == 2)  // the bad quantity and the year-1 date
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT json_extract(options, '$.dates_between') FROM imports").string == "2010-12-01..2010-12-02")
    }
}
