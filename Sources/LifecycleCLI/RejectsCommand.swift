import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle rejects purge`: rejected rows' raw text past its retention is blanked.
struct RejectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects",
        abstract: "Manage rejected rows (import_rejects).",
        subcommands: [RejectsPurge.self]
    )
}

struct RejectsPurge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Blank the raw text of rejected rows older than the retention; file, line and reason stay.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("older-than-days"),
            help: ArgumentHelp("Blank rows whose import started more than this many days ago (default: the warehouse's keep-rejects-days, 30 unless set).",
                               valueName: "days"))
    var olderThanDays: Int?

    func validate() throws {
        if let olderThanDays, olderThanDays < 0 { throw ValidationError("--older-than-days must be 0 or more") }
    }

    func run() throws {
        let blanked: Int, days: Int
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url)
            (blanked, days) = try database.onServer(url) { (try warehouse.purgeRejects(olderThanDays: olderThanDays), try olderThanDays ?? warehouse.keepRejectsDays()) }
        } else {
            let warehouse = try database.openForWriting(creating: false)
            blanked = try warehouse.purgeRejects(olderThanDays: olderThanDays)
            days = try olderThanDays ?? warehouse.privacySettings().keepRejectsDays
        }
        print("blanked the raw text of \(grouped(blanked)) rejected \(blanked == 1 ? "row" : "rows") older than \(days) days")
    }
}
