import Foundation
import PostgresStore

/// The scope every question on PostgreSQL resolves the same way, so each command (rfm,
/// retention, activity) neither repeats the checks nor drifts from the others.
extension PostgresWarehouse {
    /// The scope's defaults filled in by SQLite's rules (`Warehouse.resolve`): as-of midnight
    /// after the last order in the scope's time zone (`--timezone`, else the warehouse's
    /// reporting zone), a country some customer has, a window
    /// that holds something before as-of (`--since` before it, `--until` after `--since`: `Warehouse.checkWindow`), one
    /// currency. `allowingSeveralCurrencies`: a question that adds no money reads every currency
    /// (SQLite's `addsMoney: false`), with no currency in the answer.
    ///
    /// Refused by name, as not possible on PostgreSQL yet: `--currency` in a warehouse of several
    /// currencies (no per-question currency filter there yet).
    func resolve(_ scope: AnalyticsScope, allowingSeveralCurrencies: Bool = false) throws -> ResolvedScope {
        let zone = try scope.timeZone ?? reportingTimeZone()
        try checkCountry(scope.country)
        let present = try orderCurrencies()
        if let requested = scope.currency {
            guard let code = CurrencyCode.normalized(requested) else { throw CurrencyError.notACode(requested) }
            guard present.contains(where: { $0.currency == code }) else { throw CurrencyError.absent(code, present: present) }
            if present.count > 1 {
                throw AnalyticsError.invalidOption(option: "--currency", reason: "a warehouse of several currencies is not supported on PostgreSQL yet")
            }
        } else if present.count > 1 && !allowingSeveralCurrencies {
            throw CurrencyError.several(present)
        }
        var asOf = scope.asOf
        if asOf == nil {
            guard let day = try dayAfterLastOrder(in: zone) else { throw AnalyticsError.noOrders }
            asOf = day
        }
        let resolved = asOf ?? 0
        try Warehouse.checkWindow(since: scope.since, until: scope.until, asOf: resolved, zone: zone)
        return ResolvedScope(asOf: resolved, since: scope.since, until: scope.until, country: scope.country, timeZone: zone,
                             asOfIsDefault: scope.asOf == nil, currency: present.count > 1 ? nil : present.first?.currency,
                             currencyFiltered: false)
    }

    /// sql/postgres/'s parameters of a resolved scope: sql/'s (`:as_of`, `:since`, ...) and
    /// `:zone`, the reporting zone's IANA name (NULL for UTC), which sql/ reads from
    /// `reporting_offsets` instead.
    static func parameters(_ scope: ResolvedScope) -> [String: PGValue] {
        var parameters = values(scope.parameters)
        parameters["zone"] = ReportingOffsets.isUTC(scope.timeZone) ? .null : .text(scope.timeZone.identifier)
        return parameters
    }

    /// Refuses a `--country` no customer has, naming the stored countries nearest to it (SQLite's
    /// `checkCountry`).
    func checkCountry(_ country: String?) throws {
        guard let country, try db.scalar("SELECT EXISTS (SELECT 1 FROM users WHERE country = $1)", [.text(country)]).bool != true else { return }
        let known = try db.query("SELECT DISTINCT country FROM users WHERE country IS NOT NULL").compactMap { $0[0].string }
        throw AnalyticsError.unknownCountry(country, nearest: NearestNames.closest(to: country, among: known))
    }

    /// Midnight in `zone` after the last order (the default as-of: nothing is left out); nil
    /// when there are no orders.
    public func dayAfterLastOrder(in zone: TimeZone = .gmt) throws -> Int64? {
        guard let last = try db.scalar("SELECT max(ordered_at) FROM orders").int64 else { return nil }
        return AnalyticsScope.startOfDay(AnalyticsScope.day(of: last, in: zone) + 1, in: zone)
    }

    /// Midnight UTC after the last order in `currency` (every order when nil): SQLite's
    /// `dayAfterLastOrder(currency:)`; nil without orders.
    public func dayAfterLastOrder(currency: String?) throws -> Int64? {
        guard let currency else { return try dayAfterLastOrder(in: .gmt) }
        let filter = try moneyCurrency(currency, before: nil).filter
        guard let last = try db.scalar("SELECT max(ordered_at) FROM orders WHERE $1::text IS NULL OR currency = $1::text",
                                       [filter.map(PGValue.text) ?? .null]).int64 else { return nil }
        return (last / 86_400 + 1) * 86_400
    }

    /// Every currency of the orders with its number of orders, by code (SQLite's `orderCurrencies`,
    /// counted from the orders: PostgreSQL keeps no currency counts yet).
    public func orderCurrencies() throws -> [CurrencyCount] {
        try db.query("SELECT currency, count(*) AS orders FROM orders GROUP BY currency ORDER BY currency COLLATE \"C\"").map {
            CurrencyCount(currency: $0["currency"].string ?? "", orders: Int($0["orders"].int64 ?? 0))
        }
    }

    /// The currency the money of a question before `asOf` (nil: every order) is added up in, and
    /// the code to filter the orders by (nil: every order is in it): SQLite's `useCurrency`.
    func moneyCurrency(_ requested: String?, before asOf: Int64?) throws -> (currency: String?, filter: String?) {
        let present = try orderCurrencies()
        if let requested {
            guard let code = CurrencyCode.normalized(requested) else { throw CurrencyError.notACode(requested) }
            guard present.contains(where: { $0.currency == code }) else { throw CurrencyError.absent(code, present: present) }
            return (code, present.count > 1 ? code : nil)
        }
        guard present.count > 1 else { return (present.first?.currency, nil) }
        let scoped = try postgresQuery("order_currencies", ["as_of": asOf.map { .text(UTCText.dateTime($0)) } ?? .null,
                                                            "since": .null, "country": .null])
            .map { CurrencyCount(currency: $0["currency"].string ?? "", orders: Int($0["orders"].int64 ?? 0)) }
        guard scoped.count == 1, let only = scoped.first else { throw CurrencyError.several(scoped.isEmpty ? present : scoped) }
        return (only.currency, only.currency)
    }
}
