import Foundation
import Testing
@testable import Warehouse

/// Currencies at the import: ISO 4217 codes in use, validated before a row is read (`--currency`)
/// or per row (a currency column), stored upper-case.
@Suite struct CurrencyImportTests {
    static let shop = """
        order_id,ordered_at,customer_id,amount,currency
        A1,2024-03-01T10:00:00Z,u1,10.00,gbp
        A2,2024-03-02T10:00:00Z,u1,5.00,EURO
        A3,2024-03-03T10:00:00Z,u2,7.50,x'; DROP TABLE orders; --
        A4,2024-03-04T10:00:00Z,u2,2.25,
        A5,2024-03-05T10:00:00Z,u3,1.00,XXX
        A6,2024-03-06T10:00:00Z,u3,3.00,Usd

        """

    @Test("--currency that is not an ISO 4217 code in use is refused before anything is stored, naming the flag")
    func optionIsValidated() throws {
        let scratch = try Scratch()
        let file = try scratch.file("o.csv", "order_id,ordered_at,amount\nA1,2024-03-01T10:00:00Z,1.00\n")
        let warehouse = try scratch.warehouse()
        for bad in ["x'; DROP TABLE orders; --", "EURO", "XXX", "DEM", "G B", ""] {
            let error = #expect(throws: ImportError.self) {
                try warehouse.importFile(file, options: orderOptions(.csv, zone: nil, currency: bad))
            }
            #expect(error?.reason.contains("--currency") == true)
            #expect(error?.reason.contains("e.g. GBP") == true)
        }
        let rejected = #expect(throws: ImportError.self) {
            try warehouse.importFile(file, options: orderOptions(.cdnow, zone: utc, currency: "EURO"))
        }
        #expect(rejected?.description.hasPrefix(file) == true)
        #expect(try warehouse.count("SELECT count(*) FROM orders") == 0)
        #expect(try warehouse.count("SELECT count(*) FROM imports") == 0)
    }

    @Test("--currency in lower case is stored upper-case, and is the same import as the upper-case option")
    func optionIsNormalised() throws {
        let scratch = try Scratch()
        let file = try scratch.file("o.csv", "order_id,ordered_at,amount\nA1,2024-03-01T10:00:00Z,1.00\n")
        let warehouse = try scratch.warehouse()
        let first = try warehouse.importFile(file, options: orderOptions(.csv, zone: nil, currency: "eur"))
        #expect(first.counts.loaded == 1)
        let again = try warehouse.importFile(file, options: orderOptions(.csv, zone: nil, currency: "EUR"))
        #expect(again.counts.duplicate == 1)
        #expect(try warehouse.db.scalar("SELECT group_concat(DISTINCT currency) FROM orders").string == "EUR")
        #expect(try warehouse.db.scalar("SELECT group_concat(DISTINCT options) FROM imports").string?.contains("\"EUR\"") == true)
    }

    @Test("a currency column is validated per row: a bad code rejects its row with the reason, good ones are stored upper-case")
    func columnIsValidatedPerRow() throws {
        let scratch = try Scratch()
        let file = try scratch.file("shop.csv", Self.shop)
        let warehouse = try scratch.warehouse()
        let summary = try warehouse.importFile(file, options: orderOptions(.csv, zone: nil))
        #expect(summary.counts.read == 6)
        #expect(summary.counts.loaded == 2)
        #expect(summary.counts.rejected == 4)
        #expect(try warehouse.db.scalar("SELECT group_concat(currency, ' ') FROM (SELECT currency FROM orders ORDER BY external_id)").string == "GBP USD")
        let reasons = try warehouse.rejects(importID: summary.importID).map { "\($0.line): \($0.reason)" }
        #expect(reasons == [
            "3: currency 'EURO' is not an ISO 4217 code (three letters), e.g. GBP, EUR, USD",
            "4: currency 'x'; DROP TABLE orders; --' is not an ISO 4217 code (three letters), e.g. GBP, EUR, USD",
            "5: currency is empty and no --currency was given",
            "6: currency 'XXX' is not the code of a currency in use, e.g. GBP, EUR, USD",
        ])
    }

    @Test("the list of codes is Foundation's list of currencies in use")
    func activeCodes() {
        for code in ["GBP", "USD", "EUR", "JPY", "CHF", "SEK"] { #expect(CurrencyCode.normalized(code) == code) }
        #expect(CurrencyCode.normalized("gbp") == "GBP")
        for code in ["XXX", "XTS", "XAU", "DEM", "FRF", "EURO", "GB", "", "ÉUR"] { #expect(CurrencyCode.normalized(code) == nil) }
    }
}
