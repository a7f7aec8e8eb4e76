import Foundation

/// Dates on the command line: `YYYY-MM-DD` is midnight UTC of that day (the warehouse's
/// reporting time zone); a full ISO-8601 instant with `Z` or an offset is taken as given.
public enum CalendarDate {
    /// Unix seconds of `text`, or nil when it is not a date this accepts.
    public static func instant(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        let parsed = bytes.withUnsafeBytes { TimestampParser.parse($0) }
        switch parsed {
        case .civil(let civil)?: return civil.secondsIfUTC
        case .instant(let seconds)?: return seconds
        case nil: return nil
        }
    }

    /// `YYYY-MM-DD` of an instant (UTC).
    public static func day(_ instant: Int64) -> String {
        let days = instant >= 0 ? instant / 86_400 : (instant - 86_399) / 86_400
        let civil = civil(fromDays: days)
        return String(format: "%04d-%02d-%02d", civil.year, civil.month, civil.day)
    }

    /// `count` steps of a schedule after `instant`: days, weeks, or calendar months (the same day
    /// of the month, or the month's last day when it is shorter: Jan 31 + 1 month = Feb 28).
    public static func advance(_ instant: Int64, by step: Step, count: Int = 1) -> Int64 {
        switch step {
        case .day: return instant + Int64(count) * 86_400
        case .week: return instant + Int64(count) * 7 * 86_400
        case .month:
            var date = civil(fromDays: instant >= 0 ? instant / 86_400 : (instant - 86_399) / 86_400)
            let months = date.year * 12 + (date.month - 1) + count
            date.year = months / 12
            date.month = months % 12 + 1
            date.day = min(date.day, CivilTime.daysIn(month: date.month, year: date.year))
            let timeOfDay = ((instant % 86_400) + 86_400) % 86_400
            return date.secondsIfUTC + timeOfDay
        }
    }

    /// Schedule steps for `--every`.
    public enum Step: String, Sendable, CaseIterable {
        case day, week, month
    }

    /// The civil date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> CivilTime {
        let (year, month, day) = UTCText.civil(day: days)
        return CivilTime(year: Int(year), month: Int(month), day: Int(day))
    }
}
