import Foundation
import Learning
import SQLiteStore

/// Every purchase of a known customer up to a last day, as the lifetime models see it
/// (`sql/clv_purchases.sql`): day numbers in the reporting time zone, values in currency units.
public struct LifetimePurchases: Sendable {
    /// The last day read (days since 1970-01-01, reporting time zone), inclusive.
    public let lastDay: Int64
    /// The currency of every value (nil: no orders).
    public let currency: String?
    /// One purchase per customer and day (the day's orders summed), by user (ascending), then
    /// day; `Purchase.customer` is `users.id`.
    public let purchases: [Purchase]

    /// The calibration summary of every customer whose first purchase is on or before
    /// `observationEnd` (a day number, inclusive), sorted by user id.
    public func summaries(observationEnd: Int64, period: SummaryPeriod) -> [CustomerSummary] {
        customerRuns().compactMap {
            CustomerSummary.summary(of: purchases[$0], observationEnd: Int(observationEnd), period: period)
        }
    }

    /// Repeat purchase days per customer in (`after`, `through`]: what the holdout observed.
    public func purchaseDays(after: Int64, through: Int64) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for run in customerRuns() {
            let days = Set(purchases[run].lazy.filter { $0.day > after && $0.day <= through }.map(\.day))
            if !days.isEmpty { counts[purchases[run.lowerBound].customer] = days.count }
        }
        return counts
    }

    /// The index ranges of each customer's purchases: the rows come grouped by user, so one
    /// customer's purchases are one run and no per-customer dictionary is needed.
    private func customerRuns() -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start = 0
        for index in purchases.indices.dropFirst() where purchases[index].customer != purchases[index - 1].customer {
            runs.append(start..<index)
            start = index
        }
        if !purchases.isEmpty { runs.append(start..<purchases.count) }
        return runs
    }
}

extension Warehouse {
    /// Reads the purchases of known customers on or before `lastDay` (a day number in the
    /// reporting time zone) in `currency`; nil: the one currency of the orders before the day
    /// after, and a `CurrencyError` listing them when there are several (`useCurrency`). With a
    /// `scope`, only its customers' purchases (as `customers(in:asOf:)` picks and checks them,
    /// as of the day after, from the orders of every currency).
    public func lifetimePurchases(through lastDay: Int64, currency: String? = nil, scope: CustomerScope = CustomerScope()) throws -> LifetimePurchases {
        guard let sql = SQLCatalog.query("clv_purchases") else { throw AnalyticsError.missingQuery("clv_purchases") }
        let users = try customers(in: scope, asOf: try instantAfter(day: lastDay))
        let code = try useCurrency(currency, asOf: try instantAfter(day: lastDay), since: nil, country: nil)
        defer { try? endCurrencyFilter() }
        let statement = try db.prepare(sql)
        try statement.bind(named: [":last_day": CalendarDate.day(lastDay * 86_400)])
        var purchases: [Purchase] = []
        while try statement.step() {
            if let users, !users.contains(statement.int64(at: 0)) { continue }
            purchases.append(Purchase(customer: Int(statement.int64(at: 0)), day: Int(statement.int64(at: 1)),
                                      value: Double(statement.int64(at: 2)) / 1_000_000))
        }
        return LifetimePurchases(lastDay: lastDay, currency: code, purchases: purchases)
    }

    /// The day (days since 1970-01-01, reporting time zone) of the last purchase of a known
    /// customer in `currency`, nil without one; with several currencies and none given, a
    /// `CurrencyError` listing them.
    public func lastPurchaseDay(currency: String? = nil) throws -> Int64? {
        _ = try useCurrency(currency, asOf: nil, since: nil, country: nil)
        defer { try? endCurrencyFilter() }
        guard let last = try db.scalar("SELECT max(ordered_at) FROM orders WHERE kind = 'purchase' AND user_id IS NOT NULL").int64 else {
            return nil
        }
        return AnalyticsScope.day(of: last, in: try reportingTimeZone())
    }
}
