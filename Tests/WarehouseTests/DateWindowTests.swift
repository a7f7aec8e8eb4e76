import Foundation
import Testing
@testable import Warehouse

/// Instants outside a plausible window are rejected rows, for every kind of import (issue 13, item 3).
@Suite struct DateWindowTests {
    static let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"

    @Test("orders dated 0001-01-01 or 9999-12-31 are rejected with a reason naming the window; the rest load")
    func absurdOrderDatesAreRejected() throws {
        let scratch = try Scratch()
        let file = try scratch.file("or.csv", Self.header + """
            1,85123A,OK,1,2010-12-01 08:26:00,1.00,17850,United Kingdom
            2,85123A,ANCIENT,1,0001-01-01 00:00:00,1.00,17851,United Kingdom
            3,85123A,FUTURE,1,9999-12-31 00:00:00,1.00,17852,United Kingdom

            """)
        let warehouse = try scratch.warehouse()
        let summary = try warehouse.importFile(file, options: orderOptions(.onlineRetail))
        #expect(summary.counts.loaded == 1)
        #expect(summary.counts.rejected == 2)
        #expect(summary.counts.isBalanced)
        let rejects = try warehouse.rejects(importID: summary.importID)
        #expect(rejects.map(\.line) == [3, 4])
        let standard = DateWindow.standard()
        #expect(rejects[0].reason == "invoice date '0001-01-01 00:00:00' is outside the accepted dates \(standard.text) (--dates-between)")
        #expect(standard.text.hasPrefix("1970-01-01.."))
        #expect(try warehouse.count("SELECT count(*) FROM users") == 1)
    }

    @Test("event times and users' sign-up instants outside --dates-between are rejected too")
    func eventsAndUsersUseTheWindow() throws {
        let scratch = try Scratch()
        let window = try #require(DateWindow(parsing: "2011-01-01..2012-01-01"))
        let events = try scratch.file("e.csv", "event_id,user_id,occurred_at,type\ne1,u1,2011-06-01T00:00:00Z,view\ne2,u1,2012-01-01T00:00:00Z,view\ne3,u1,2010-12-31T23:59:59Z,view\n")
        let users = try scratch.file("u.csv", "user_id,signed_up_at\nu2,2011-12-31T23:59:59Z\nu3,1969-12-31T23:59:59Z\n")
        let warehouse = try scratch.warehouse()
        let eventSummary = try warehouse.importFile(events, options: ImportOptions(kind: .events, format: .csv, dateWindow: window))
        #expect(eventSummary.counts.loaded == 1)
        #expect(try warehouse.rejects(importID: eventSummary.importID).map(\.line) == [3, 4])  // TO is exclusive, FROM inclusive
        let userSummary = try warehouse.importFile(users, options: ImportOptions(kind: .users, format: .csv, dateWindow: window))
        #expect(userSummary.counts.loaded == 1)
        #expect(try warehouse.rejects(importID: userSummary.importID).first?.reason.contains("signed_up_at '1969-12-31T23:59:59Z' is outside") == true)
        // Under the standard window the 1969 sign-up is refused as well.
        let standard = try warehouse.importFile(users, options: ImportOptions(kind: .users, format: .csv))
        #expect(standard.counts.rejected == 1)
    }

    @Test("the window is stored with the import: given as dates_between, resolved as default_dates_between")
    func theWindowIsStoredWithTheImport() throws {
        let scratch = try Scratch()
        let file = try scratch.file("u.csv", "user_id\nu1\n")
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(file, options: ImportOptions(kind: .users, format: .csv))
        _ = try warehouse.importFile(file, options: ImportOptions(kind: .users, format: .csv, dateWindow: DateWindow(parsing: "2000-01-01..")))
        let stored = try warehouse.db.query("SELECT json_extract(options, '$.default_dates_between'), json_extract(options, '$.dates_between') FROM imports ORDER BY id")
        #expect(stored[0].values == [.text(DateWindow.standard().text), .null])
        #expect(stored[1].values == [.null, .text("2000-01-01.." + CalendarDate.day(DateWindow.standard().to))])
    }

    @Test("a killed run is resumed although its resolved default window differs, and the resumed run keeps that window")
    func resumingKeepsTheKilledRunsWindow() throws {
        let scratch = try Scratch()
        let file = try scratch.file("or.csv", Self.header + """
            1,85123A,OK,1,2010-12-01 08:26:00,1.00,17850,United Kingdom
            2,85123A,LATER,1,2011-06-01 08:26:00,1.00,17850,United Kingdom

            """)
        let warehouse = try scratch.warehouse()
        let options = orderOptions(.onlineRetail)
        // The row a run killed before its first commit leaves, resolved on a day whose window ended in 2011.
        let killed = options.storedJSON(defaultWindow: DateWindow(from: 0, to: CalendarDate.instant("2011-01-01") ?? 0))
        let digest = try ByteSource.digest(ofFile: file)
        try warehouse.db.run("""
            INSERT INTO imports (kind, format, file_name, file_size, sha256, options, status, pid, started_at)
            VALUES ('orders', 'online-retail', ?, ?, ?, ?, 'running', 0, 0)
            """, file, digest.size, digest.sha256, killed)
        let summary = try warehouse.importFile(file, options: options)
        #expect(summary.importID == 1)
        #expect(try warehouse.count("SELECT count(*) FROM imports") == 1)
        #expect(summary.counts.loaded == 1)
        #expect(try warehouse.rejects(importID: 1).first?.reason.contains("outside the accepted dates 1970-01-01..2011-01-01") == true)
    }

    @Test("--dates-between reads FROM..TO dates, either side may be empty, and refuses anything else")
    func parsingTheWindow() throws {
        let now = Date(timeIntervalSince1970: 1_764_806_400)  // 2025-12-04
        #expect(DateWindow(parsing: "2009-01-01..2012-01-01", now: now)?.text == "2009-01-01..2012-01-01")
        #expect(DateWindow(parsing: "..2012-01-01", now: now)?.text == "1970-01-01..2012-01-01")
        #expect(DateWindow(parsing: "2009-01-01..", now: now)?.text == "2009-01-01..2026-12-04")
        #expect(DateWindow.standard(now: now).text == "1970-01-01..2026-12-04")
        for bad in ["2012-01-01..2009-01-01", "2012-01-01", "2012-01-01..2012-01-01", "2012-1-1..2013-01-01", "x..y", "2012-01-01T10:00..2013-01-01"] {
            #expect(DateWindow(parsing: bad, now: now) == nil, "\(bad)")
        }
    }
}
