import Foundation
import Testing
@testable import Warehouse

/// Hostile inputs through the whole import: NUL bytes, stray quotes, CR-only files, huge fields,
/// blanks around keys (issue 13, items 4-6 and 9).
@Suite struct InputTrustTests {
    static let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"

    static func line(_ invoice: Int, description: String = "HEART") -> String {
        "\(invoice),85123A,\(description),1,2010-12-01 08:26:00,1.00,17850,United Kingdom\n"
    }

    @Test("a NUL byte in a key is a rejected row, for orders, events and users")
    func nulBytesRejectTheirRow() throws {
        let scratch = try Scratch()
        let orders = try scratch.bytes("or.csv", Array((Self.header + Self.line(1)).utf8) + Array("9000".utf8) + [0] + Array(Self.line(8).utf8))
        let events = try scratch.bytes("e.csv", Array("event_id,occurred_at,type\ne1,2011-01-01T00:00:00Z,view\ne".utf8) + [0] + Array("2,2011-01-01T00:00:00Z,view\n".utf8))
        let users = try scratch.bytes("u.csv", Array("user_id\nu1\nu".utf8) + [0] + Array("2\n".utf8))
        let warehouse = try scratch.warehouse()
        let summary = try warehouse.importFile(orders, options: orderOptions(.onlineRetail))
        #expect(summary.counts.loaded == 1)
        #expect(summary.counts.rejected == 1)
        #expect(try warehouse.rejects(importID: summary.importID).map(\.reason) == ["field 1 holds a NUL byte"])
        #expect(try warehouse.count("SELECT count(*) FROM orders WHERE instr(external_id, char(0)) > 0 OR length(external_id) <> length(CAST(external_id AS BLOB))") == 0)
        for (file, kind) in [(events, ImportKind.events), (users, .users)] {
            let result = try warehouse.importFile(file, options: ImportOptions(kind: kind, format: .csv))
            #expect(result.counts.loaded == 1, "\(kind)")
            #expect(try warehouse.rejects(importID: result.importID).map(\.reason) == ["field 1 holds a NUL byte"], "\(kind)")
        }
    }

    @Test("one stray quote in a 60,000-line file rejects exactly its own row, naming the line it opened on; every other row loads")
    func strayQuoteInALargeFile() throws {
        let scratch = try Scratch()
        var text = Self.header
        for invoice in 2...60_000 {
            if invoice == 30_000 {
                text += Self.line(invoice, description: "\"BROKEN")
            } else if invoice % 50 == 0 {
                text += Self.line(invoice, description: "\"SET OF 3 \"\"VINTAGE\"\" TINS, LARGE\"")
            } else {
                text += Self.line(invoice)
            }
        }
        let file = try scratch.file("or.csv", text)
        let warehouse = try scratch.warehouse()
        let summary = try warehouse.importFile(file, options: orderOptions(.onlineRetail))
        #expect(summary.counts.read == 59_999)
        #expect(summary.counts.rejected == 1)
        #expect(summary.counts.loaded == 59_998)
        let rejects = try warehouse.rejects(importID: summary.importID)
        #expect(rejects.map(\.line) == [30_000])
        #expect(rejects.map(\.reason) == ["unterminated quote opened at line 30000"])
        #expect(rejects.first?.raw == String(Self.line(30_000, description: "\"BROKEN").dropLast()))
    }

    @Test("a CR-only file imports exactly like the same file with LF line ends, line numbers included")
    func crOnlyFilesImport() throws {
        let scratch = try Scratch()
        let lf = try scratch.file("lf.csv", onlineRetailFixture)
        let cr = try scratch.file("cr.csv", onlineRetailFixture.replacingOccurrences(of: "\n", with: "\r"))
        let one = try scratch.warehouse("lf.db"), other = try scratch.warehouse("cr.db")
        let a = try one.importFile(lf, options: orderOptions(.onlineRetail))
        let b = try other.importFile(cr, options: orderOptions(.onlineRetail))
        #expect(b.counts.read == 11)
        #expect(b.counts.loaded == a.counts.loaded)
        #expect(try other.rejects(importID: b.importID).map(\.line) == [11, 12])
        let query = "SELECT order_ref, product, description, quantity, amount, line_at_utc, source_line FROM order_lines_v ORDER BY id"
        #expect(try other.db.query(query).map(\.values) == one.db.query(query).map(\.values))
    }

    @Test("a 50 MB field is one clean reject with a short reason and a bounded raw text; the rows around it load")
    func hugeFieldIsACleanReject() throws {
        let scratch = try Scratch()
        var bytes = Array((Self.header + Self.line(1)).utf8)
        bytes += Array("2,85123A,".utf8) + [UInt8](repeating: UInt8(ascii: "z"), count: 50_000_000) + Array(",1,2010-12-01 08:26:00,1.00,17850,UK\n".utf8)
        bytes += Array(Self.line(3).utf8)
        let file = try scratch.bytes("or.csv", bytes)
        let warehouse = try scratch.warehouse()
        let summary = try warehouse.importFile(file, options: orderOptions(.onlineRetail))
        #expect(summary.counts.read == 3)
        #expect(summary.counts.loaded == 2)
        let rejects = try warehouse.rejects(importID: summary.importID)
        #expect(rejects.map(\.line) == [3])
        #expect(rejects.first?.reason == "the record is longer than 4 MiB")
        #expect(rejects.first?.raw.hasSuffix("… (50000045 bytes in all)") == true)
        #expect((rejects.first?.raw.utf8.count ?? .max) < 66_000)
    }

    @Test("messages quote at most about 200 bytes of input: a field in a reason, a header in an error")
    func messagesAreCapped() throws {
        let scratch = try Scratch()
        let quantity = String(repeating: "9x", count: 5_000)
        let file = try scratch.file("or.csv", Self.header + "1,85123A,HEART,\(quantity),2010-12-01 08:26:00,1.00,17850,UK\n")
        let warehouse = try scratch.warehouse()
        let summary = try warehouse.importFile(file, options: orderOptions(.onlineRetail))
        let reason = try #require(try warehouse.rejects(importID: summary.importID).first?.reason)
        #expect(reason.hasPrefix("quantity '9x9x"))
        #expect(reason.utf8.count < 260)
        #expect(reason.contains("…' is not a whole number"))
        // A header of 20,000 columns (or a whole file read as one header line) makes a short error.
        let wide = try scratch.file("wide.csv", (0..<20_000).map { "column\($0)" }.joined(separator: ",") + "\n")
        let error = #expect(throws: ImportError.self) { try warehouse.importFile(wide, options: orderOptions(.onlineRetail)) }
        #expect((error?.description.utf8.count ?? .max) < 400)
        #expect(try warehouse.db.scalar("SELECT max(length(error)) FROM imports").int64 ?? .max < 400)
    }

    @Test("keys are kept exactly as written: '47503J ' and '47503J' are two products, blanks around ids are kept, blank-only ids are empty")
    func keysAreKeptExactly() throws {
        let scratch = try Scratch()
        let file = try scratch.file("or.csv", Self.header + """
            536365,47503J,ASSORTED FLOWER,1,2010-12-01 08:26:00,1.00,17850,United Kingdom
            536365,47503J ,ASSORTED FLOWER,1,2010-12-01 08:26:00,1.00,17850,United Kingdom
            536366 ,47503J,ASSORTED FLOWER,1,2010-12-01 08:26:00,1.00,17850 ,United Kingdom
            536367,47503J,ASSORTED FLOWER,1,2010-12-01 08:26:00,1.00,  ,United Kingdom

            """)
        let warehouse = try scratch.warehouse()
        let summary = try warehouse.importFile(file, options: orderOptions(.onlineRetail))
        #expect(summary.counts.loaded == 4)
        #expect(try warehouse.db.query("SELECT external_id, is_merchandise FROM products ORDER BY external_id").map(\.values)
                == [[.text("47503J"), .integer(1)], [.text("47503J "), .integer(1)]])
        #expect(try warehouse.db.query("SELECT external_id FROM orders ORDER BY external_id").map { $0[0] }
                == [.text("536365"), .text("536366 "), .text("536367")])
        #expect(try warehouse.db.query("SELECT external_id FROM users ORDER BY external_id").map { $0[0] } == [.text("17850"), .text("17850 ")])
        #expect(try warehouse.count("SELECT count(*) FROM orders WHERE user_id IS NULL") == 1)
    }
}
