import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle activity`: active users, stickiness and lifecycle states per period.
struct ActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity",
        abstract: "Active users (DAU/WAU/MAU), stickiness, lifecycle states (new, returning, resurrecting, dormant), churn, first purchases and revenue per period.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var scopeArguments: ScopeArguments
    @OptionGroup var output: FormatOption

    @Option(help: "Period: day, week (ISO, from Monday) or month.")
    var period: Period = .month

    @Option(help: "What counts as activity: both (purchase orders and events), orders or events.")
    var activity: ActivityKinds = .both

    func run() throws {
        let warehouse = try database.openForReading()
        let report = try warehouse.activity(ActivityOptions(scope: try scopeArguments.scope(for: warehouse), period: period, activity: activity))
        let format = output.resolved
        emit(report.answer(), as: format)
        if format == .table && isTerminal(STDOUT_FILENO) { print("\n" + TerminalCharts.activity(report)) }
    }
}
