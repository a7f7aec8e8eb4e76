import Foundation
import SQLiteStore

/// An `AnalyticsScope` with its defaults filled in: the instant as-of really is, and the zone.
public struct ResolvedScope: Sendable, Equatable {
    public let asOf: Int64
    public let since: Int64?
    public let until: Int64?
    public let country: String?
    /// The reporting time zone in force.
    public let timeZone: TimeZone
    /// Whether as-of was the default (the day after the last order).
    public let asOfIsDefault: Bool
    /// The currency of every amount in the answer; nil: no orders, or a question without money
    /// (retention of users or orders) over orders in several currencies.
    public let currency: String?
    /// Whether the warehouse holds other currencies too, whose orders the question leaves out.
    public let currencyFiltered: Bool

    /// The parameters every query of `sql/` shares.
    var parameters: QueryParameters {
        var values = QueryParameters()
        values.set(instant: ":as_of", asOf)
        values.set(instant: ":since", since)
        values.set(instant: ":until", until)
        values.set(":country", country)
        return values
    }

    /// The scope's country as a condition on `user_id` (" AND user_id IN …") and its value, for
    /// the scans that read an index in user order: SQLite then walks the index from one of that
    /// country's customers to the next. Empty without a country.
    var countryCondition: (sql: String, values: [any SQLBindable]) {
        guard let country else { return ("", []) }
        return (" AND user_id IN (SELECT id FROM users WHERE country = ?)", [country])
    }

    /// The question's currency as a condition on `currency` and its value, for the scans that
    /// read on connections other than the warehouse's, which have no currency view. Empty when no
    /// currency is left out.
    var currencyCondition: (sql: String, values: [any SQLBindable]) {
        guard currencyFiltered, let currency else { return ("", []) }
        return (" AND currency = ?", [currency])
    }

    /// The zone's name as people read it ("UTC" rather than Foundation's "GMT").
    public var timeZoneName: String { ReportingOffsets.isUTC(timeZone) ? "UTC" : timeZone.identifier }

    /// As-of as people read it: the date when it is a local midnight, else the UTC instant.
    public var asOfText: String { LocalText.instant(asOf, in: timeZone) }
}

extension Warehouse {
    /// Fills in a scope's defaults and puts its time zone and its currency (`useCurrency`) in
    /// force on this connection; the caller ends the currency with `endCurrencyFilter()`.
    /// As-of defaults to midnight after the last order of the currency in force. A question
    /// that adds no money (`addsMoney` false) reads the orders of every currency unless
    /// `scope.currency` names one. A country no customer has is refused (`unknownCountry`).
    public func resolve(_ scope: AnalyticsScope, addsMoney: Bool = true) throws -> ResolvedScope {
        try checkCountry(scope.country)
        if let zone = scope.timeZone {
            try useReportingTimeZone(zone)
        } else {
            try db.execute("DROP TABLE IF EXISTS temp.reporting_offsets")
        }
        let zone = try reportingTimeZone()
        let currency = try useCurrency(scope.currency, asOf: scope.asOf, since: scope.since, country: scope.country, addsMoney: addsMoney)
        var asOf = scope.asOf
        if asOf == nil {
            guard let last = try db.scalar("SELECT max(ordered_at) FROM orders").int64 else { throw AnalyticsError.noOrders }
            asOf = AnalyticsScope.startOfDay(AnalyticsScope.day(of: last, in: zone) + 1, in: zone)
        }
        let resolvedAsOf = asOf ?? 0
        try Self.checkWindow(since: scope.since, until: scope.until, asOf: resolvedAsOf, zone: zone)
        return ResolvedScope(asOf: resolvedAsOf, since: scope.since, until: scope.until, country: scope.country,
                             timeZone: zone, asOfIsDefault: scope.asOf == nil, currency: currency,
                             currencyFiltered: try currencyFilterInForce())
    }
}

/// Instants and dates as people read them in the reporting zone.
public enum LocalText {
    /// "2011-12-10" when `instant` is a local midnight, else "2011-12-10 09:30:00 UTC".
    public static func instant(_ instant: Int64, in zone: TimeZone) -> String {
        let day = AnalyticsScope.day(of: instant, in: zone)
        if AnalyticsScope.startOfDay(day, in: zone) == instant { return UTCText.date(day: day) }
        return UTCText.dateTime(instant) + " UTC"
    }

    /// "2011-12-10" for a day number.
    public static func date(day: Int64) -> String { UTCText.date(day: day) }
}
