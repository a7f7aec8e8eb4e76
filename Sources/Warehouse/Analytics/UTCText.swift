/// Instants as the UTC text SQLite's date functions read and write ("2011-12-10 00:00:00"), and
/// calendar arithmetic on day numbers, without Foundation formatters.
enum UTCText {
    /// "YYYY-MM-DD HH:MM:SS" in UTC.
    static func dateTime(_ seconds: Int64) -> String {
        let day = floorDiv(seconds, 86_400)
        let second = seconds - day * 86_400
        return date(day: day) + " " + two(second / 3600) + ":" + two(second / 60 % 60) + ":" + two(second % 60)
    }

    /// "YYYY-MM-DD" of a day number (days since 1970-01-01).
    static func date(day: Int64) -> String {
        let (y, m, d) = civil(day: day)
        return four(y) + "-" + two(m) + "-" + two(d)
    }

    /// Year, month, day of a day number (H. Hinnant's civil_from_days).
    static func civil(day: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = day + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func four(_ value: Int64) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
