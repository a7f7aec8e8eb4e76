import Foundation

/// The window and the population an analytics question is asked about. Shared by RFM, cohort
/// retention, activity and the report.
public struct AnalyticsScope: Sendable, Equatable {
    /// Only facts strictly before this instant are used (Unix seconds UTC). `nil`: midnight, in
    /// the reporting time zone, after the day of the last order.
    public var asOf: Int64?
    /// Only facts at or after this instant (RFM), or cohorts and periods from the one holding it.
    public var since: Int64?
    /// Cohorts and periods up to the one holding the instant just before this one.
    public var until: Int64?
    /// Only customers of this country (`users.country`).
    public var country: String?
    /// The reporting time zone for this question; `nil` keeps the warehouse's (UTC unless set).
    public var timeZone: TimeZone?
    /// Only orders in this currency (ISO 4217, any case); `nil`: the one currency of the scope,
    /// and a `CurrencyError` when it holds several (amounts are never added across currencies).
    public var currency: String?

    public init(asOf: Int64? = nil, since: Int64? = nil, until: Int64? = nil, country: String? = nil, timeZone: TimeZone? = nil,
                currency: String? = nil) {
        self.asOf = asOf
        self.since = since
        self.until = until
        self.country = country
        self.timeZone = timeZone
        self.currency = currency
    }

    /// Reads a date option by the one rule of `DateOption` in `zone`. `option` names the flag in errors.
    public static func instant(_ text: String, in zone: TimeZone, option: String) throws -> Int64 {
        guard let date = DateOption(text) else { throw AnalyticsError.invalidDate(option: option, text: text) }
        return date.instant(in: zone)
    }

    /// The instant local midnight begins the given day (days since 1970-01-01) in `zone`; where
    /// midnight does not exist (a clock change at midnight), the first instant of that day.
    public static func startOfDay(_ day: Int64, in zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let (y, m, d) = UTCText.civil(day: day)
        let components = DateComponents(year: Int(y), month: Int(m), day: Int(d), hour: 12)
        guard let noon = calendar.date(from: components) else { return day * 86_400 }
        return Int64(calendar.startOfDay(for: noon).timeIntervalSince1970)
    }

    /// The day number (days since 1970-01-01) holding `instant` in `zone`.
    public static func day(of instant: Int64, in zone: TimeZone) -> Int64 {
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
        return UTCText.floorDiv(instant + offset, 86_400)
    }
}
