import Foundation
import SQLiteStore
import Testing

/// Currencies as a user meets them: codes checked at the import, and questions and models that
/// stop, listing the currencies, rather than add pounds to dollars.
@Suite struct CurrencyCLITests {
    /// Two customers buying in pounds, one in dollars (its own file, named by --currency).
    static let pounds = """
        order_id,ordered_at,customer_id,amount
        P1,2011-01-03T10:00:00Z,a,10.00
        P2,2011-01-05T10:00:00Z,b,20.00
        P3,2011-01-09T10:00:00Z,a,5.00

        """
    static let dollars = """
        order_id,ordered_at,customer_id,amount
        D1,2011-01-04T10:00:00Z,c,100.00

        """

    private func imported() throws -> WorkDirectory {
        let work = try WorkDirectory()
        try Self.pounds.write(toFile: work.path("gbp.csv"), atomically: true, encoding: .utf8)
        try Self.dollars.write(toFile: work.path("usd.csv"), atomically: true, encoding: .utf8)
        for (file, code) in [("gbp.csv", "gbp"), ("usd.csv", "USD")] {
            let result = try Binary.run(["import", "orders", file, "--currency", code, "--db", "w.db"], directory: work.url)
            #expect(result.status == 0, "\(result.stderr)")
        }
        return work
    }

    @Test("import refuses --currency that is not an ISO 4217 code in use, naming the flag, and stores nothing")
    func importRefusesBadCodes() throws {
        let work = try WorkDirectory()
        try Self.pounds.write(toFile: work.path("gbp.csv"), atomically: true, encoding: .utf8)
        for bad in ["x'; DROP TABLE orders; --", "EURO"] {
            let result = try Binary.run(["import", "orders", "gbp.csv", "--currency", bad, "--db", "w.db"], directory: work.url)
            #expect(result.status != 0)
            #expect(result.stderr.contains("--currency '\(bad)' is not an ISO 4217 code (three letters), e.g. GBP, EUR, USD"), "\(result.stderr)")
        }
        if FileManager.default.fileExists(atPath: work.path("w.db")) {
            let db = try Connection(path: work.path("w.db"), mode: .readOnly)
            #expect(try db.scalar("SELECT count(*) FROM orders").int64 == 0)
        }
    }

    @Test("rfm, retention, activity and report stop on two currencies, listing them with their order counts; --currency answers for one; status lists them")
    func questionsAskForACurrency() throws {
        let work = try imported()
        let expected = "the orders in scope are in 2 currencies, GBP (3 orders), USD (1 order), and amounts of different currencies are never added together: pass --currency GBP or --currency USD"
        for command in [["rfm", "--format", "csv"], ["rfm", "--users"], ["retention", "--metric", "revenue"], ["activity"], ["report", "--out", "r.html"]] {
            let result = try Binary.run(command + ["--db", "w.db"], directory: work.url)
            #expect(result.status != 0, "\(command)")
            #expect(result.stderr.contains(expected), "\(command): \(result.stderr)")
        }
        let pounds = try Binary.run(["rfm", "--users", "--currency", "gbp", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(pounds.status == 0, "\(pounds.stderr)")
        let customers = pounds.stdout.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" }
        #expect(customers.sorted() == ["a", "b"], "\(pounds.stdout)")
        let poundsSummary = try Binary.run(["rfm", "--currency", "GBP", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(poundsSummary.stderr.contains("Only orders in GBP: those in other currencies are left out."), "\(poundsSummary.stderr)")
        let summary = try Binary.run(["rfm", "--currency", "USD", "--db", "w.db", "--format", "json"], directory: work.url)
        #expect(summary.status == 0 && summary.stdout.contains("1 customers, net revenue 100"), "\(summary.stdout)")
        let none = try Binary.run(["rfm", "--currency", "EUR", "--db", "w.db"], directory: work.url)
        #expect(none.status != 0 && none.stderr.contains("--currency EUR: no order is in EUR; the orders are in GBP (3 orders), USD (1 order)"), "\(none.stderr)")
        let status = try Binary.run(["status", "--db", "w.db", "--format", "table"], directory: work.url)
        #expect(status.stdout.contains("Currencies: GBP (3 orders), USD (1 order); questions that add up money take --currency."), "\(status.stdout)")
        let bad = try Binary.run(["rfm", "--currency", "EURO", "--db", "w.db"], directory: work.url)
        #expect(bad.status != 0 && bad.stderr.contains("--currency 'EURO' is not an ISO 4217 code"), "\(bad.stderr)")
    }

    @Test("train segments, train clv, clv summary and features build stop on two currencies; clv summary --currency reads one")
    func modelsAskForACurrency() throws {
        let work = try imported()
        for command in [["train", "clv"], ["clv", "summary"]] {
            let refused = try Binary.run(command + ["--db", "w.db"], directory: work.url)
            #expect(refused.status != 0 && refused.stderr.contains("pass --currency GBP or --currency USD"), "\(command): \(refused.stderr)")
        }
        let summary = try Binary.run(["clv", "summary", "--currency", "GBP", "--db", "w.db", "--format", "table"], directory: work.url)
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stdout.contains("2 customers with a purchase on or before 2011-01-09") && summary.stdout.contains("in GBP"), "\(summary.stdout)")
        let refused = try Binary.run(["train", "segments", "--k", "2", "--db", "w.db"], directory: work.url)
        #expect(refused.status != 0 && refused.stderr.contains("pass --currency GBP or --currency USD"), "\(refused.stderr)")
        let features = try Binary.run(["features", "build", "--db", "w.db"], directory: work.url)
        #expect(features.status != 0 && features.stderr.contains("pass --currency GBP or --currency USD"), "\(features.stderr)")
    }
}
