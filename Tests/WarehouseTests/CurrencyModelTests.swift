import Foundation
import Learning
import Testing
@testable import Warehouse

/// Models never fit amounts of different currencies together: lifetime value and segments train
/// on one currency (chosen, or the only one before as-of) and record it for scoring; user
/// features and churn refuse orders of several currencies.
@Suite(.enabled(if: CurrencyAnalyticsTests.present, "skipped: ../shared/data has no CDNOW sample or Online Retail"))
struct CurrencyModelTests {
    static let end2010 = LifetimeCalendar.day(ofDate: CalendarDate.instant("2010-12-31")!)
    static let asOf2011 = CalendarDate.instant("2011-01-01")!

    @Test("train clv refuses a calibration period holding two currencies and lists them; with --currency it fits that currency's spend, records it, and scores with it")
    func lifetimeValue() throws {
        let w = try CurrencyAnalyticsTests.Warehouses()
        let error = #expect(throws: CurrencyError.self) {
            try w.mixed.trainLifetimeValue(LifetimeTrainingOptions(period: .week, observationEnd: Self.end2010))
        }
        #expect(error?.description.contains("GBP (") == true && error?.description.contains("USD (") == true)
        #expect(throws: CurrencyError.self) { try w.mixed.lastPurchaseDay() }
        #expect(try w.mixed.lastPurchaseDay(currency: "USD") == w.usd.lastPurchaseDay())

        let options = LifetimeTrainingOptions(period: .week, observationEnd: LifetimeCalendar.day(ofDate: CalendarDate.instant("1997-09-30")!),
                                              holdoutEnd: LifetimeCalendar.day(ofDate: CalendarDate.instant("1998-06-30")!))
        var usdOptions = options
        usdOptions.currency = "usd"
        let mixed = try w.mixed.trainLifetimeValue(usdOptions)
        let alone = try w.usd.trainLifetimeValue(options)
        #expect(mixed.currency == "USD" && alone.currency == "USD")
        #expect(mixed.customers == alone.customers && mixed.spendCustomers == alone.spendCustomers)
        #expect(mixed.model.spend.p == alone.model.spend.p && mixed.model.purchases.r == alone.model.purchases.r)
        let stored = try w.mixed.storeLifetimeValue(mixed, promote: true)
        #expect(stored.snapshot.currency == "USD")
        #expect(stored.snapshot.hyperparameters["currency"] == .string("USD"))

        // Scoring as of 2011 reads the USD purchases only, as the model was trained on them.
        let scores = try w.mixed.lifetimeScores(try w.mixed.lifetimeModel(stored.snapshot), asOf: Self.asOf2011)
        let aloneModel = LifetimeModel(model: alone.model, period: .week, horizonMonths: 12, monthlyDiscountRate: 0.01, currency: nil)
        let aloneScores = try w.usd.lifetimeScores(aloneModel, asOf: Self.asOf2011)
        #expect(scores.map(\.externalID) == aloneScores.map(\.externalID))
        #expect(scores.map(\.lifetimeValue) == aloneScores.map(\.lifetimeValue))
        // The report names the model's currency next to sections that may be in another one.
        #expect(try w.mixed.lifetimeValueSection(asOf: Self.asOf2011)?.reference == "clv@1 (amounts in USD)")
        _ = try w.usd.storeLifetimeValue(alone, promote: false)
        #expect(try w.usd.lifetimeValueSection(asOf: Self.asOf2011)?.reference == "clv@1")
        // The same snapshot without its currency would have to refuse there.
        let unrecorded = LifetimeModel(model: mixed.model, period: .week, horizonMonths: 12, monthlyDiscountRate: 0.01, currency: nil)
        #expect(throws: CurrencyError.self) { try w.mixed.lifetimeScores(unrecorded, asOf: Self.asOf2011) }
    }

    @Test("train segments refuses an as-of whose orders are in two currencies; with --currency it clusters that currency's customers, records it, and scores with it")
    func segments() throws {
        let w = try CurrencyAnalyticsTests.Warehouses()
        let asOf = try #require(try w.gbp.dayAfterLastOrder())
        #expect(try w.mixed.dayAfterLastOrder(currency: "GBP") == asOf)
        #expect(throws: CurrencyError.self) { try w.mixed.trainSegments(SegmentTrainingOptions(asOf: asOf, clusters: 3)) }
        let training = try w.mixed.trainSegments(SegmentTrainingOptions(asOf: asOf, clusters: 3, currency: "GBP"))
        let alone = try w.gbp.trainSegments(SegmentTrainingOptions(asOf: asOf, clusters: 3))
        func values(_ customers: [SegmentCustomer]) -> [String] {
            customers.map { "\($0.externalID) \($0.recencyDays) \($0.frequency) \($0.monetaryMicros)" }.sorted()
        }
        let mixedData = try w.mixed.segmentDataset(asOf: asOf, columns: SegmentColumns(), currency: "GBP")
        #expect(values(mixedData.customers) == values(try w.gbp.segmentDataset(asOf: asOf, columns: SegmentColumns()).customers))
        #expect(training.rows == alone.rows && training.currency == "GBP")
        let stored = try w.mixed.storeSegments(training, promote: true)
        #expect(stored.snapshot.currency == "GBP")
        let scoring = try w.mixed.assignSegments(stored.snapshot, asOf: asOf)
        #expect(scoring.assignments.count == alone.rows)
        // Extra user_features columns add up every currency: refused when others are left out.
        let error = #expect(throws: SegmentError.self) {
            try w.mixed.segmentDataset(asOf: asOf, columns: SegmentColumns(extraFeatures: ["tenure_days"]), currency: "GBP")
        }
        #expect(error?.description.contains("several") == true)
    }

    @Test("user features and churn refuse an as-of whose orders are in two currencies, listing them; before the second currency arrives they work")
    func featuresAndChurn() throws {
        let w = try CurrencyAnalyticsTests.Warehouses()
        let error = #expect(throws: CurrencyError.self) { try w.mixed.buildFeatures(asOf: Self.asOf2011) }
        #expect(error?.description.hasSuffix("pass --currency GBP or --currency USD") == true)
        #expect(try w.mixed.count("SELECT count(*) FROM feature_builds") == 0)
        #expect(throws: CurrencyError.self) {
            try w.mixed.churnDataset(asOf: Self.asOf2011, horizonSeconds: 90 * 86_400, vector: .standard)
        }
        #expect(throws: CurrencyError.self) {
            try w.mixed.trainChurn(ChurnTrainingOptions(asOf: CalendarDate.instant("2010-12-03")!, horizonSeconds: 86_400))
        }
        let early = try w.mixed.buildFeatures(asOf: CalendarDate.instant("1998-01-01")!)
        #expect(early.users == (try w.usd.buildFeatures(asOf: CalendarDate.instant("1998-01-01")!)).users)
    }
}
