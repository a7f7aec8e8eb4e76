import SQLiteStore

/// Period numbers of instants in the reporting time zone, computed exactly as the queries of
/// `sql/` compute them: the local day is (instant + the zone's offset in force) / 86400, and the
/// period number of day d is d (day), (d + 3) / 7 (ISO week, from Monday) or the civil-from-days
/// month count from March 1968. Divisions truncate toward zero as SQLite's do.
struct PeriodNumbering {
    let period: Period
    /// The instants from which each offset is in force, ascending (`reporting_offsets`); empty: UTC.
    private let starts: [Int64]
    private let offsets: [Int64]

    /// The numbering of `period` in the zone in force on `db` (a TEMP `reporting_offsets` set by
    /// `useReportingTimeZone` shadows the stored one, as it does for the queries).
    init(_ period: Period, db: Connection) throws {
        self.period = period
        var starts: [Int64] = [], offsets: [Int64] = []
        let statement = try db.prepare("SELECT starts_at, offset_seconds FROM reporting_offsets ORDER BY starts_at")
        while try statement.step() {
            starts.append(statement.int64(at: 0))
            offsets.append(statement.int64(at: 1))
        }
        self.starts = starts
        self.offsets = offsets
    }

    /// The local day number of `instant`.
    func day(of instant: Int64) -> Int64 {
        (instant + offset(at: instant)) / 86_400
    }

    /// The period number of `instant`.
    func number(of instant: Int64) -> Int64 {
        number(ofDay: day(of: instant))
    }

    /// The period number of local day `d`.
    func number(ofDay d: Int64) -> Int64 {
        switch period {
        case .day: return d
        case .week: return (d + 3) / 7
        case .month:
            let era = (4 * (d + 671) + 3) / 1461
            return era * 12 + (5 * (d + 671 - 1461 * era / 4) + 2) / 153
        }
    }

    /// The offset in force at `instant`: that of the last change at or before it (0 before the first).
    private func offset(at instant: Int64) -> Int64 {
        guard let first = starts.first, instant >= first else { return 0 }
        var low = 0, high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= instant { low = middle } else { high = middle - 1 }
        }
        return offsets[low]
    }

    /// The local day number of the first day of period `n` (the Monday for weeks), by the
    /// queries' inverse arithmetic.
    func firstDay(of n: Int64) -> Int64 {
        switch period {
        case .day: return n
        case .week: return n * 7 - 3
        case .month: return (1461 * (n / 12)) / 4 + (153 * (n % 12) + 2) / 5 - 671
        }
    }

    /// The first day of period `n`: "2011-01-01", the Monday for weeks.
    func start(of n: Int64) -> String {
        switch period {
        case .day: return UTCText.date(day: n)
        case .week: return UTCText.date(day: n * 7 - 3)
        case .month: return Self.yearMonth(n) + "-01"
        }
    }

    /// The period as people name it: "2011-01-03", "2011-W01" (ISO year and week of its
    /// Thursday) or "2011-01".
    func label(of n: Int64) -> String {
        switch period {
        case .day: return UTCText.date(day: n)
        case .week:
            let thursday = n * 7
            let year = UTCText.civil(day: thursday).year
            let week = (thursday - CivilTime(year: Int(year), month: 1, day: 1).daysSinceEpoch) / 7 + 1
            return Self.padded(year, 4) + "-W" + Self.padded(week, 2)
        case .month: return Self.yearMonth(n)
        }
    }

    private static func yearMonth(_ n: Int64) -> String {
        padded((n + 23_618) / 12, 4) + "-" + padded((n + 23_618) % 12 + 1, 2)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
