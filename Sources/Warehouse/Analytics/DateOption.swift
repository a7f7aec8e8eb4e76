import Foundation

/// The one rule for every date option of every command (`--as-of`, `--since`, `--until`,
/// `--compare`, `--from`, `--to`, `--evaluate-as-of`, `--observation-end`, `--holdout-end`,
/// `--at`): `YYYY-MM-DD` is the start of that day and `YYYY-MM-DDTHH:MM[:SS]` that wall-clock
/// time, both in the warehouse's reporting time zone (`lifecycle reporting-timezone`, UTC
/// until set, or a command's `--timezone`); a time with `Z` or an offset (`+01:00`) is that
/// instant wherever it is read.
public struct DateOption: Sendable, Equatable {
    /// The text as given.
    public let text: String
    private let form: Form

    private enum Form: Equatable {
        /// A date or wall-clock time, to be read in the reporting zone.
        case local(CivilTime, dateOnly: Bool)
        /// An instant given with `Z` or an offset.
        case instant(Int64)
    }

    /// The option read from `text`, or nil when it is not an ISO 8601 date or time (`2011-13-01`,
    /// `12/1/2011` and `yesterday` are not).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let bytes = Array(trimmed.utf8)
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        switch bytes.withUnsafeBytes({ TimestampParser.parse($0) }) {
        case .civil(let civil)?: form = .local(civil, dateOnly: bytes.count == 10)
        case .instant(let seconds)?: form = .instant(seconds)
        case nil: return nil
        }
        self.text = text
    }

    /// The instant the option names, reading a date or wall-clock time in `zone`: a date is the
    /// start of its day there (the first instant of the day where midnight does not exist); a
    /// wall-clock time that does not exist (a spring-forward gap) is read with the offset in
    /// force after the change, one that exists twice as the earlier instant.
    public func instant(in zone: TimeZone) -> Int64 {
        switch form {
        case .instant(let seconds): return seconds
        case .local(let civil, let dateOnly):
            if dateOnly { return AnalyticsScope.startOfDay(civil.daysSinceEpoch, in: zone) }
            if let instant = try? ZoneConverter(zone: zone).instant(of: civil) { return instant }
            let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(civil.secondsIfUTC))))
            return civil.secondsIfUTC - offset
        }
    }

    /// The calendar day the option names in `zone` (days since 1970-01-01): a date is that day;
    /// a time, the day holding its instant there.
    public func day(in zone: TimeZone) -> Int64 {
        if case .local(let civil, true) = form { return civil.daysSinceEpoch }
        return AnalyticsScope.day(of: instant(in: zone), in: zone)
    }

    /// What `--help` says of every date option.
    public static let help = "YYYY-MM-DD (start of the day) or YYYY-MM-DDTHH:MM in the reporting time zone, or an instant with Z or an offset"
}
