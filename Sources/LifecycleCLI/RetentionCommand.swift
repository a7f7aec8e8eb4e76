import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle retention`: the cohort retention triangle and curve.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Cohort retention: the triangle (cohort, size, k = 0, 1, 2...) and the retention curve; a heatmap on a terminal.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var scopeArguments: ScopeArguments
    @OptionGroup var output: FormatOption

    @Option(help: "Cohort period: day, week (ISO, from Monday) or month.")
    var period: Period = .month

    @Option(help: "classic: active in cohort+k; unbounded: active in cohort+k or later.")
    var mode: RetentionMode = .classic

    @Option(help: "users (share of the cohort), orders or revenue (relative to the cohort's period 0).")
    var metric: RetentionMetric = .users

    @Option(help: "first-purchase: one cohort per customer; recurring: every period a customer is active in.")
    var cohort: CohortKind = .firstPurchase

    @Option(help: "What counts as activity: orders (purchases) or events (views, carts...).")
    var activity: ActivitySource = .orders

    @Option(name: .customLong("event-type"), help: ArgumentHelp("With --activity events: only events of this type.", valueName: "type"))
    var eventType: String?

    @Option(name: .customLong("max-offset"), help: ArgumentHelp("Show offsets up to this one only.", valueName: "k"))
    var maxOffset: Int?

    @Flag(help: "Print only the retention curve.")
    var curve = false

    @Option(help: ArgumentHelp("One answer per group: country (each equals the answer with --country) or rfm-segment (each customer's RFM segment at as-of, as `rfm --users` gives it).", valueName: "dimension"))
    var by: Breakdown?

    func validate() throws {
        do {
            try RetentionOptions(period: period, mode: mode, metric: metric, cohort: cohort, activity: activity,
                                 eventType: eventType, maxOffset: maxOffset).validate()
        } catch { throw ValidationError("\(error)") }
        if by == .country && scopeArguments.country != nil { throw ValidationError("--by country gives every country; drop --country") }
    }

    func run() throws {
        if let url = database.postgresURL {
            try runOnPostgres(url: url)
            return
        }
        let warehouse = try database.openForReading()
        let options = RetentionOptions(scope: try scopeArguments.scope(for: warehouse), period: period, mode: mode, metric: metric,
                                       cohort: cohort, activity: activity, eventType: eventType, maxOffset: maxOffset)
        let format = output.resolved
        if let by {
            return printBreakdown(try retentionBrokenDown(by, engine: warehouse, options: options, curveOnly: curve), as: format)
        }
        try render(try warehouse.retention(options), as: format)
    }

    /// The triangle, or one per group of `--by`, on a PostgreSQL warehouse
    /// (sql/postgres/retention.sql), rendered as on a file.
    private func runOnPostgres(url: String) throws {
        let warehouse = try database.openPostgresForReading(url: url)
        let options = RetentionOptions(scope: try database.onServer(url) { try scopeArguments.scope(for: warehouse) }, period: period,
                                       mode: mode, metric: metric, cohort: cohort, activity: activity, eventType: eventType,
                                       maxOffset: maxOffset)
        if let by {
            let breakdown = try database.onServer(url) {
                try retentionBrokenDown(by, engine: warehouse, options: options, curveOnly: curve)
            }
            return printBreakdown(breakdown, as: output.resolved)
        }
        try render(try database.onServer(url) { try warehouse.retention(options) }, as: output.resolved)
    }

    private func render(_ triangle: RetentionTriangle, as format: OutputFormat) throws {
        if curve {
            emit(triangle.answer(curveOnly: true), as: format)
            if format == .table && isTerminal(STDOUT_FILENO) { print("\n" + TerminalCharts.curve(triangle)) }
            return
        }
        switch format {
        case .json, .csv, .jsonl:
            emit(triangle.answer(holdingRows: false), as: format, rows: triangle.longRows)
        case .markdown:
            print(triangle.triangleTable().rendered(as: .markdown))
            print(triangle.curveTable().rendered(as: .markdown), terminator: "")
        case .table:
            if isTerminal(STDOUT_FILENO) {
                print(TerminalCharts.heatmap(triangle, colour: colourTerminal(), width: terminalColumns()))
                print(TerminalCharts.curve(triangle))
            } else {
                print(triangle.triangleTable().rendered(as: .table))
                print(triangle.curveTable().rendered(as: .table), terminator: "")
            }
        }
    }
}

extension Breakdown: ExpressibleByArgument {}
