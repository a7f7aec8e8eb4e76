import Foundation
import SQLiteStore

/// The reporting time zone: cohort and activity periods (day, ISO week, month) are taken in it.
/// It lives in the table `reporting_offsets` as the UTC offset from each clock change on, so the
/// queries in `sql/` can convert instants without a time zone library; an empty table is UTC.
///
/// A warehouse whose calendar dates are read in a reporting time zone, on either engine.
public protocol ReportingZoneReader: AnyObject {
    /// The zone dates are read in: as-ofs, periods, lifetime days (UTC when none is set).
    func reportingTimeZone() throws -> TimeZone
}

extension ReportingZoneReader {
    /// The reporting time zone's name: its IANA identifier, or `UTC` for any zone that is UTC all
    /// the time.
    public func reportingTimeZoneName() throws -> String {
        let zone = try reportingTimeZone()
        return ReportingOffsets.isUTC(zone) ? "UTC" : zone.identifier
    }

    /// The instant that starts the day after `day` in the reporting time zone: the as-of of a
    /// calibration period that ends on `day`.
    public func instantAfter(day: Int64) throws -> Int64 {
        let midnightUTC = (day + 1) * 86_400
        let offset = try reportingTimeZone().secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(midnightUTC)))
        return midnightUTC - Int64(offset)
    }
}

extension Warehouse: ReportingZoneReader {}
extension PostgresWarehouse: ReportingZoneReader {}

extension Warehouse {
    /// The warehouse's reporting time zone (as stored, or as overridden on this connection by
    /// `useReportingTimeZone(_:)`); UTC when none is set.
    public func reportingTimeZone() throws -> TimeZone {
        let name = try db.scalar("SELECT zone FROM reporting_offsets LIMIT 1").string
        return name.flatMap(TimeZone.init(identifier:)) ?? utcZone
    }

    /// Stores `zone` as the warehouse's reporting time zone (`nil` or UTC: back to UTC). Nothing
    /// kept depends on it: every question numbers its periods in the zone when it is asked.
    public func setReportingTimeZone(_ zone: TimeZone?) throws {
        try db.transaction {
            try db.execute("DELETE FROM main.reporting_offsets")
            try insertOffsets(for: zone, into: "main")
        }
    }

    /// Uses `zone` on this connection only, without changing the stored setting: a TEMP table of
    /// the same name shadows `reporting_offsets` for every query that follows.
    public func useReportingTimeZone(_ zone: TimeZone) throws {
        try db.execute("""
            CREATE TEMP TABLE IF NOT EXISTS reporting_offsets (
                starts_at INTEGER PRIMARY KEY, offset_seconds INTEGER NOT NULL, zone TEXT NOT NULL) STRICT;
            DELETE FROM temp.reporting_offsets;
            """)
        try insertOffsets(for: zone, into: "temp")
    }

    private func insertOffsets(for zone: TimeZone?, into schema: String) throws {
        guard let zone, !ReportingOffsets.isUTC(zone) else { return }
        for row in ReportingOffsets.rows(for: zone) {
            try db.run("INSERT INTO \(schema).reporting_offsets (starts_at, offset_seconds, zone) VALUES (?, ?, ?)",
                       row.startsAt, row.offset, zone.identifier)
        }
    }
}

let utcZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? TimeZone.current

/// The rows of `reporting_offsets` for a zone.
enum ReportingOffsets {
    /// First and last instants covered: 1900-01-01 and 2200-01-01.
    static let from: Int64 = -2_208_988_800
    static let to: Int64 = 7_258_118_400

    /// Whether `zone` is UTC all the time (no rows needed).
    static func isUTC(_ zone: TimeZone) -> Bool {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0
            && zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(from))) == nil
            && zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(from))) == 0
    }

    /// The offset in force from each change on; the first row starts far in the past so every
    /// instant finds one.
    static func rows(for zone: TimeZone) -> [(startsAt: Int64, offset: Int64)] {
        var rows: [(Int64, Int64)] = [(Int64.min / 2, Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(from)))))]
        var cursor = Date(timeIntervalSince1970: TimeInterval(from))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < TimeInterval(to) {
            let offset = Int64(zone.secondsFromGMT(for: next))
            if offset != rows[rows.count - 1].1 { rows.append((Int64(next.timeIntervalSince1970), offset)) }
            cursor = next
        }
        return rows
    }
}
