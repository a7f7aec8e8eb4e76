import Foundation
import Testing
@testable import Warehouse

/// Amounts of different currencies are never added together: the CDNOW sample (USD) and a
/// slice of Online Retail (GBP) in one warehouse.
@Suite struct CurrencyAnalyticsTests {
    static let cdnowSample = SharedData.path("cdnow/CDNOW_sample.txt")
    static let onlineRetail = SharedData.path("online-retail/online_retail.csv.gz")
    static let present = cdnowSample != nil && onlineRetail != nil

    /// The first 20,000 lines of Online Retail (header included), written by the test.
    static func onlineRetailSlice(_ scratch: Scratch) throws -> String {
        let path = scratch.path("online_retail_slice.csv")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "gzip -dc \"$0\" | head -n 20000 > \"$1\"", onlineRetail ?? "", path]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        return path
    }

    /// Three warehouses: only USD, only GBP, and both.
    struct Warehouses {
        let scratch: Scratch
        let usd: Warehouse, gbp: Warehouse, mixed: Warehouse

        init() throws {
            scratch = try Scratch()
            let slice = try onlineRetailSlice(scratch)
            usd = try scratch.warehouse("usd.db")
            gbp = try scratch.warehouse("gbp.db")
            mixed = try scratch.warehouse("mixed.db")
            for warehouse in [usd, mixed] {
                _ = try warehouse.importFile(cdnowSample ?? "", options: orderOptions(.cdnow, zone: utc))
            }
            for warehouse in [gbp, mixed] {
                _ = try warehouse.importFile(slice, options: orderOptions(.onlineRetail))
            }
        }
    }

    /// Purchase and return orders of known customers, by currency, counted in Swift's terms.
    static func customerOrders(_ warehouse: Warehouse, _ currency: String) throws -> Int {
        try warehouse.count("SELECT count(*) FROM orders WHERE user_id IS NOT NULL AND kind IN ('purchase', 'return') AND currency = ?", currency)
    }

    @Test("rfm on a warehouse of two currencies refuses without --currency and lists both with their order counts",
          .enabled(if: present, "skipped: ../shared/data has no CDNOW sample or Online Retail"))
    func refusesWithoutCurrency() throws {
        let w = try Warehouses()
        let gbpOrders = try Self.customerOrders(w.mixed, "GBP"), usdOrders = try Self.customerOrders(w.mixed, "USD")
        #expect(gbpOrders > 0 && usdOrders > 0)
        let expected = CurrencyError.several([CurrencyCount(currency: "GBP", orders: gbpOrders), CurrencyCount(currency: "USD", orders: usdOrders)])
        #expect(throws: expected) { try w.mixed.rfmSummary(RFMOptions()) }
        #expect(throws: expected) { try w.mixed.rfmUsers(RFMOptions()) }
        #expect(throws: expected) { try w.mixed.retention(RetentionOptions(metric: .revenue)) }
        #expect(throws: expected) { try w.mixed.activity(ActivityOptions()) }
        #expect(expected.description.contains("GBP (\(Format.count(gbpOrders)) orders), USD (\(Format.count(usdOrders)) orders)"))
        #expect(expected.description.hasSuffix("pass --currency GBP or --currency USD"))
        // A scope holding one currency needs no option: CDNOW's customers have no country.
        let british = try w.mixed.rfmSummary(RFMOptions(scope: AnalyticsScope(country: "United Kingdom")))
        #expect(british.scope.currency == "GBP")
        #expect(try w.mixed.count("SELECT count(*) FROM temp.sqlite_schema WHERE type = 'view'") == 0, "the question ends its currency")
    }

    /// RFM's quintile ties go by a shuffle of `users.id` (docs/QUERIES.md, "The tie rule"), so a
    /// warehouse of one currency scores tied customers as the mixed one only when it numbered
    /// them alike: the mixed warehouse whose first import was that currency's. Against the other
    /// mixed warehouse every customer's values, and the quintiles' sizes and ranges, still agree.
    @Test("with --currency, rfm, its customers, retention and activity equal those of a warehouse holding only that currency",
          .enabled(if: present, "skipped: ../shared/data has no CDNOW sample or Online Retail"))
    func eachCurrencyAnswersAlone() throws {
        let w = try Warehouses()
        let gbpFirst = try w.scratch.warehouse("gbp-first.db")
        _ = try gbpFirst.importFile(w.scratch.path("online_retail_slice.csv"), options: orderOptions(.onlineRetail))
        _ = try gbpFirst.importFile(Self.cdnowSample ?? "", options: orderOptions(.cdnow, zone: utc))
        for (currency, alone, mixed, other) in [("GBP", w.gbp, gbpFirst, w.mixed), ("usd", w.usd, w.mixed, gbpFirst)] {
            let scope = AnalyticsScope(currency: currency)
            let filtered = try mixed.rfmSummary(RFMOptions(scope: scope)), single = try alone.rfmSummary(RFMOptions())
            #expect(filtered.segments == single.segments)
            #expect(filtered.scores == single.scores)
            #expect(try other.rfmSummary(RFMOptions(scope: scope)).scores == single.scores)
            #expect(filtered.scope.asOf == single.scope.asOf)
            #expect(filtered.scope.currency == currency.uppercased() && filtered.scope.currencyFiltered && !single.scope.currencyFiltered)
            #expect(filtered.exclusions.notes.last == "Only orders in \(currency.uppercased()): those in other currencies are left out.")
            #expect(Array(filtered.exclusions.notes.dropLast()) == single.exclusions.notes)
            // Countries aside: CDNOW's customer ids (4...23569 in the sample) include 52 of Online Retail's
            // (12346...), so those customers bought in both currencies, and the first import
            // named them without a country.
            func values(_ users: [RFMUser]) -> [String] {
                users.map { "\($0.externalID) \($0.recencyDays) \($0.frequency) \($0.monetaryMicros) \($0.r)\($0.f)\($0.m) \($0.segment)" }
            }
            func valuesOnly(_ users: [RFMUser]) -> [String] {
                users.map { "\($0.externalID) \($0.recencyDays) \($0.frequency) \($0.monetaryMicros)" }.sorted()
            }
            let aloneUsers = try alone.rfmUsers(RFMOptions()).users
            #expect(values(try mixed.rfmUsers(RFMOptions(scope: scope)).users) == values(aloneUsers))
            #expect(valuesOnly(try other.rfmUsers(RFMOptions(scope: scope)).users) == valuesOnly(aloneUsers))
            let revenue = try mixed.retention(RetentionOptions(scope: scope, metric: .revenue))
            let revenueAlone = try alone.retention(RetentionOptions(metric: .revenue))
            #expect(revenue.cohorts == revenueAlone.cohorts && revenue.curve == revenueAlone.curve)
            let users = try mixed.retention(RetentionOptions(scope: scope))
            #expect(users.cohorts == (try alone.retention(RetentionOptions())).cohorts)
            #expect(try mixed.activity(ActivityOptions(scope: scope)).periods == alone.activity(ActivityOptions()).periods)
        }
    }

    @Test("--currency naming a currency no order has is refused with the currencies there are; one not ISO 4217 is refused as such")
    func unknownCurrency() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("a", "2011-01-01", "10.00", currency: "GBP")
        try fixture.order("b", "2011-01-02", "20.00", currency: "USD")
        let warehouse = fixture.warehouse
        let present = [CurrencyCount(currency: "GBP", orders: 1), CurrencyCount(currency: "USD", orders: 1)]
        #expect(throws: CurrencyError.absent("EUR", present: present)) { try warehouse.rfmSummary(RFMOptions(scope: AnalyticsScope(currency: "eur"))) }
        #expect(throws: CurrencyError.notACode("x'; DROP TABLE orders; --")) {
            try warehouse.rfmSummary(RFMOptions(scope: AnalyticsScope(currency: "x'; DROP TABLE orders; --")))
        }
        #expect(CurrencyError.absent("EUR", present: present).description == "--currency EUR: no order is in EUR; the orders are in GBP (1 order), USD (1 order)")
    }

    @Test("a customer who bought in two currencies: with --currency only her orders in it count (recency, frequency, monetary)")
    func customerInTwoCurrencies() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("a", "2011-01-01", "10.00", currency: "GBP")
        try fixture.order("a", "2011-01-05", "-4.00", kind: "return", currency: "GBP")
        try fixture.order("a", "2011-01-08", "30.00", currency: "USD")
        try fixture.order("a", "2011-01-09", "50.00", currency: "USD")
        try fixture.order("b", "2011-01-09", "7.00", currency: "GBP")
        let warehouse = fixture.warehouse
        let asOf = AnalyticsFixture.at("2011-01-10")
        #expect(throws: CurrencyError.several([CurrencyCount(currency: "GBP", orders: 3), CurrencyCount(currency: "USD", orders: 2)])) {
            try warehouse.rfmUsers(RFMOptions(scope: AnalyticsScope(asOf: asOf)))
        }
        let gbp = try warehouse.rfmUsers(RFMOptions(scope: AnalyticsScope(asOf: asOf, currency: "GBP"))).users
        let a = try #require(gbp.first { $0.externalID == "a" })
        #expect(a.recencyDays == 9 && a.frequency == 1 && a.monetaryMicros == -4_000_000 + 10_000_000)
        let usd = try warehouse.rfmUsers(RFMOptions(scope: AnalyticsScope(asOf: asOf, currency: "USD"))).users
        #expect(usd.map(\.externalID) == ["a"])
        #expect(usd.first.map { [$0.recencyDays, $0.frequency, $0.monetaryMicros] } == [1, 2, 80_000_000])
        // Before 2011-01-08 the scope holds only pounds: no option needed.
        let early = try warehouse.rfmUsers(RFMOptions(scope: AnalyticsScope(asOf: AnalyticsFixture.at("2011-01-08")))).users
        #expect(early.map(\.externalID) == ["a"])
    }

    @Test("retention of users or orders adds no money: it counts the customers of every currency, and its footnote adds no amounts")
    func retentionWithoutMoney() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("a", "2011-01-01", "10.00", currency: "GBP")
        try fixture.order("b", "2011-01-02", "20.00", currency: "USD")
        try fixture.order(nil, "2011-01-03", "5.00", currency: "GBP")
        try fixture.order(nil, "2011-01-04", "7.00", currency: "USD")
        let warehouse = fixture.warehouse
        for metric in [RetentionMetric.users, .orders] {
            let triangle = try warehouse.retention(RetentionOptions(metric: metric))
            #expect(triangle.cohorts.map(\.users) == [2])
            #expect(triangle.scope.currency == nil && !triangle.scope.currencyFiltered)
            #expect(triangle.exclusions.notes == ["Left out: 2 guest orders (in several currencies)."])
        }
        #expect(throws: CurrencyError.self) { try warehouse.retention(RetentionOptions(metric: .revenue)) }
        let pounds = try warehouse.retention(RetentionOptions(scope: AnalyticsScope(currency: "GBP")))
        #expect(pounds.cohorts.map(\.users) == [1])
        #expect(pounds.exclusions.notes == ["Left out: 1 guest order (net 5.00).", "Only orders in GBP: those in other currencies are left out."])
    }

    @Test("the demo's orders by month stop on two currencies rather than add them")
    func ordersByMonthRefusesTwoCurrencies() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("a", "2011-01-01", "10.00", currency: "GBP")
        try fixture.order("b", "2011-01-02", "20.00", currency: "USD")
        #expect(throws: CurrencyError.several([CurrencyCount(currency: "GBP", orders: 1), CurrencyCount(currency: "USD", orders: 1)])) {
            try fixture.warehouse.ordersByMonth()
        }
    }

    @Test("a warehouse of one currency answers as before, with or without --currency naming it")
    func oneCurrencyUnchanged() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("a", "2011-01-01", "10.00")
        try fixture.order("b", "2011-01-03", "12.00")
        let warehouse = fixture.warehouse
        let plain = try warehouse.rfmSummary(RFMOptions())
        let named = try warehouse.rfmSummary(RFMOptions(scope: AnalyticsScope(currency: "gbp")))
        #expect(plain == named)
        #expect(plain.scope.currency == "GBP" && !plain.scope.currencyFiltered)
        #expect(!plain.exclusions.notes.joined().contains("Only orders in"))
    }

    @Test("the import keeps each currency's order count, and the counts are read again from the orders when they are stale")
    func keptCurrencies() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let first = try scratch.file("a.csv", "order_id,ordered_at,customer_id,amount,currency\nA1,2024-03-01T10:00:00Z,u1,1.00,GBP\nA2,2024-03-01T11:00:00Z,u1,2.00,GBP\n")
        let second = try scratch.file("b.csv", "order_id,ordered_at,customer_id,amount,currency\nB1,2024-03-02T10:00:00Z,u2,1.00,EUR\nB2,2024-03-02T11:00:00Z,u2,2.00,GBP\n")
        _ = try warehouse.importFile(first, options: orderOptions(.csv, zone: nil))
        #expect(try warehouse.db.query("SELECT currency, orders FROM order_currencies").map { "\($0[0].string ?? "") \($0[1].int64 ?? 0)" } == ["GBP 2"])
        _ = try warehouse.importFile(second, options: orderOptions(.csv, zone: nil))
        let both = [CurrencyCount(currency: "EUR", orders: 1), CurrencyCount(currency: "GBP", orders: 3)]
        #expect(try warehouse.db.query("SELECT currency, orders FROM order_currencies ORDER BY currency").map { "\($0[0].string ?? "") \($0[1].int64 ?? 0)" } == ["EUR 1", "GBP 3"])
        #expect(try warehouse.orderCurrencies() == both)
        // A hand edit of a counted order's currency makes the kept counts stale: the orders are counted.
        try warehouse.db.execute("UPDATE orders SET currency = 'USD' WHERE external_id = 'B1'")
        #expect(try warehouse.orderCurrencies() == [CurrencyCount(currency: "GBP", orders: 3), CurrencyCount(currency: "USD", orders: 1)])
        try warehouse.db.execute("INSERT INTO orders (external_id, ordered_at, kind, currency, import_id) VALUES ('C1', 0, 'purchase', 'JPY', 1)")
        #expect(try warehouse.orderCurrencies().map(\.currency) == ["GBP", "JPY", "USD"])
    }
}
