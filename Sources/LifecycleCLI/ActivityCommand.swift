import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle activity`: active users, stickiness and lifecycle states per period.
struct ActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity",
        abstract: "Active users (DAU/WAU/MAU), stickiness, lifecycle states (new, returning, resurrecting, dormant), churn, first purchases and revenue per period.",
        discussion: "Runs on a SQLite file and on a postgresql:// warehouse (PostgreSQL or Citus), with the same options and output; on PostgreSQL only in UTC and in a warehouse of one currency so far.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var scopeArguments: ScopeArguments
    @OptionGroup var output: FormatOption

    @Option(help: "Period: day, week (ISO, from Monday) or month.")
    var period: Period = .month

    @Option(help: "What counts as activity: both (purchase orders and events), orders or events.")
    var activity: ActivityKinds = .both

    func run() throws {
        let report: ActivityReport
        if let url = database.postgresURL {
            // sql/postgres/activity.sql, decoded and rendered as on a file.
            let warehouse = try database.openPostgresForReading(url: url)
            let options = ActivityOptions(scope: try database.onServer(url) { try scopeArguments.scope(for: warehouse) }, period: period, activity: activity)
            report = try database.onServer(url) { try warehouse.activity(options) }
        } else {
            let warehouse = try database.openForReading()
            report = try warehouse.activity(ActivityOptions(scope: try scopeArguments.scope(for: warehouse), period: period, activity: activity))
        }
        let format = output.resolved
        emit(report.answer(), as: format)
        if format == .table && isTerminal(STDOUT_FILENO) { print("\n" + TerminalCharts.activity(report)) }
    }
}
