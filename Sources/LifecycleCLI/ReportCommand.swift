import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle report --out report.html`: one self-contained HTML file with inline SVG charts.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report (inline SVG, no network): RFM segments, cohort heatmap, retention curves, activity and lifecycle, and lifetime value once a clv model is trained.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var scopeArguments: ScopeArguments

    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var out: String = "report.html"

    @Option(help: "Period of the cohorts and activity charts: day, week or month.")
    var period: Period = .month

    func run() throws {
        let report: ReportWritten
        if let url = database.postgresURL {
            // The same page from sql/postgres/'s answers; no model sections (no models there yet).
            let warehouse = try database.openPostgresForReading(url: url)
            let options = ReportOptions(scope: try database.onServer(url) { try scopeArguments.scope(for: warehouse) }, period: period)
            report = try database.onServer(url) { try warehouse.writeReport(to: out, options: options) }
        } else {
            let warehouse = try database.openForReading()
            report = try warehouse.writeReport(to: out, options: ReportOptions(scope: try scopeArguments.scope(for: warehouse), period: period))
        }
        printError("wrote \(out) (\(grouped(report.bytes)) bytes): \(grouped(report.customers)) customers, \(report.cohorts) cohorts, \(report.periods) periods")
    }
}
