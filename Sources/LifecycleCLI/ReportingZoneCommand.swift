import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle reporting-timezone [ZONE | --utc]`: shows or stores the warehouse's reporting time zone.
struct ReportingZoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reporting-timezone",
        abstract: "Show or set the warehouse's reporting time zone: the zone of cohort, activity and lifetime-value days, weeks and months (UTC until set).")

    @Argument(help: "An IANA time zone to store, e.g. Europe/London. Without it, the current one is printed.")
    var zone: String?

    @Flag(help: "Go back to UTC.")
    var utc = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if utc && zone != nil { throw ValidationError("give a zone or --utc, not both") }
        if let zone, TimeZone(identifier: zone) == nil {
            throw ValidationError("\(zone) is not a known time zone (try Europe/London, UTC, America/New_York)")
        }
    }

    func run() throws {
        let writes = utc || zone != nil
        let setting = utc ? nil : zone.flatMap(TimeZone.init(identifier:))
        if let url = database.postgresURL {
            let warehouse = writes ? try database.openPostgresForWriting(url: url) : try database.openPostgresForReading(url: url)
            try database.onServer(url) {
                if writes { try warehouse.setReportingTimeZone(setting) }
                print(try warehouse.reportingTimeZoneName())
            }
        } else {
            let warehouse = try database.open(writing: writes)
            if writes { try warehouse.setReportingTimeZone(setting) }
            print(try warehouse.reportingTimeZoneName())
        }
    }
}
