import Foundation
import PostgresStore

/// The reporting time zone of a PostgreSQL warehouse (migrations/postgres/0011): the zone every
/// question reads dates and numbers its periods in when the command is given no `--timezone`,
/// as on a file (`Warehouse.reportingTimeZone`).
extension PostgresWarehouse {
    /// The stored reporting time zone; UTC when none is set.
    public func reportingTimeZone() throws -> TimeZone {
        let name = try db.scalar("SELECT zone FROM reporting_zone WHERE id = 1").string
        return name.flatMap(TimeZone.init(identifier:)) ?? utcZone
    }

    /// Stores `zone` as the reporting time zone (`nil` or a zone that is UTC all the time: back
    /// to UTC). Nothing kept depends on it: every question numbers its periods when it is asked.
    public func setReportingTimeZone(_ zone: TimeZone?) throws {
        try db.transaction {
            try db.query("DELETE FROM reporting_zone")
            if let zone, !ReportingOffsets.isUTC(zone) {
                try db.query("INSERT INTO reporting_zone (id, zone) VALUES (1, $1)", [.text(zone.identifier)])
            }
        }
    }
}
