import Foundation

/// What `lifecycle report` covers.
public struct ReportOptions: Sendable, Equatable {
    public var scope: AnalyticsScope
    /// Period of the cohorts and of the activity charts.
    public var period: Period

    public init(scope: AnalyticsScope = AnalyticsScope(), period: Period = .month) {
        self.scope = scope
        self.period = period
    }
}

/// The results a report shows.
public struct ReportData: Sendable, Equatable {
    public let rfm: RFMSummary
    public let retention: RetentionTriangle
    public let activity: ActivityReport
    /// Present when a `clv` model has been trained.
    public let lifetimeValue: LifetimeValueSection?
    public let generatedAt: Date
}

/// What was written.
public struct ReportWritten: Sendable, Equatable {
    public let bytes: Int
    public let customers: Int
    public let cohorts: Int
    public let periods: Int
}

extension Warehouse {
    /// The RFM summary, the retention triangle and the activity of the report's scope, with the
    /// lifetime value section once a `clv` model is trained.
    public func reportData(_ options: ReportOptions, now: Date = Date()) throws -> ReportData {
        try reportData(options, now: now, lifetimeValue: lifetimeValueSection(asOf:))
    }

    /// Writes the HTML report to `path`.
    @discardableResult
    public func writeReport(to path: String, options: ReportOptions) throws -> ReportWritten {
        let data = try reportData(options)
        let html = try withSatisfactionSection(HTMLReport.render(data, title: "Lifecycle report: \(URL(fileURLWithPath: self.path).lastPathComponent)"), asOf: data.rfm.scope.asOf)
        return try HTMLReport.write(html, of: data, to: path)
    }
}

/// One self-contained HTML page: inline CSS and SVG, no scripts, no network.
public enum HTMLReport {
    /// The page's content width (CSS max-width); a chart wider than this scrolls in its box.
    static let pageWidth = 1100.0

    public static func render(_ data: ReportData, title: String) -> String {
        let scope = data.rfm.scope
        let generated = ISO8601DateFormatter().string(from: data.generatedAt)
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(SVG.escape(title))</title>
            <style>
            body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: \(Int(pageWidth))px; color: #222; }
            h1 { font-size: 22px; margin-bottom: 4px; }
            h2 { font-size: 17px; margin-top: 36px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            p.meta, p.note { color: #555; font-size: 13px; }
            table { border-collapse: collapse; font-size: 12px; margin: 8px 0; }
            th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            svg { display: block; margin: 8px 0; }
            div.chart { overflow-x: auto; max-width: 100%; }
            </style>
            </head>
            <body>
            <h1>\(SVG.escape(title))</h1>
            <p class="meta">As of \(SVG.escape(scope.asOfText))\(scope.asOfIsDefault ? " (the day after the last order)" : "") · reporting time zone \(SVG.escape(scope.timeZoneName))\(scope.country.map { " · country " + SVG.escape($0) } ?? "") · generated \(generated)</p>

            """
        html += section("RFM segments", notes: data.rfm.notes, svg: ReportCharts.segments(data.rfm), table: data.rfm.table())
        let heatmap = CohortHeatmap(data.retention, width: pageWidth)
        let parts = heatmap.panels.count > 1
            ? ["\(data.retention.maxOffset + 1) offsets do not fit across the page: the triangle is shown in \(heatmap.panels.count) parts of up to \(heatmap.columnsPerPanel) offsets, each with the cohorts that reach them."] : []
        html += section("Cohort retention (\(data.retention.options.period.rawValue)ly)", notes: parts + data.retention.notes,
                        svg: heatmap.render(), table: nil)
        html += section("Retention curves", notes: ["Average share over the cohorts whose cohort+k is complete. Hollow points on a dashed line average fewer than \(ReportCharts.fewCohorts) cohorts: late offsets are reached only by the oldest cohorts, so one or two cohorts decide them."],
                        svg: ReportCharts.curves(data.retention), table: data.retention.curveTable())
        let activityTable = data.activity.table()
        html += section("Activity", notes: activityTable.notes, svg: ReportCharts.activity(data.activity), table: nil)
        html += section("Lifecycle", notes: [], svg: ReportCharts.lifecycle(data.activity), table: activityTable)
        if let clv = data.lifetimeValue {
            let top = clv.topTable()
            html += section("Lifetime value (\(clv.reference))", notes: top.notes, svg: LifetimeCharts.distribution(clv), table: top)
            html += section("P(alive) and recency", notes: ["The longer since a customer's last purchase, relative to how often they bought, the less likely they are still a customer (BG/NBD). Customers with one purchase so far have P(alive) = 1: in BG/NBD a customer can only drop out right after a repeat purchase."],
                            svg: LifetimeCharts.aliveByRecency(clv), table: nil)
            if let diagnostics = clv.diagnostics { html += lifetimeDiagnostics(diagnostics, reference: clv.reference) }
        }
        html += "</body>\n</html>\n"
        return html
    }

    /// The model's matrices and checks, on its calibration period.
    private static func lifetimeDiagnostics(_ diagnostics: LifetimeDiagnostics, reference: String) -> String {
        let calibration = LifetimeCalendar.date(diagnostics.observationEnd)
        let unit = diagnostics.period.rawValue
        var html = section("Expected purchases by frequency and recency", notes: [
            "What \(reference) expects a customer to buy in the next \(unit), by their repeat purchases x and the time tₓ of the last one, for a customer as old as the oldest of the calibration period (to \(calibration)). Frequent buyers who bought recently buy most; frequent buyers who stopped long ago are likely gone.",
        ], svg: FrequencyRecencyCharts.expectedPurchases(diagnostics), table: nil)
        html += section("P(alive) by frequency and recency", notes: [
            "The probability that a customer of each frequency and recency is still a customer, for the same age. The more often a customer bought, the more a long silence means they left.",
        ], svg: FrequencyRecencyCharts.probabilityAlive(diagnostics), table: nil)
        html += section("Repeat purchases in calibration: actual and model", notes: [
            "Customers by repeat purchases to \(calibration) and the model's count for each, Σ P(X(T) = x) over the \(Format.count(diagnostics.periodTransactions.customers)) customers' own ages T (FHL 2005, equation 8). Bars that agree mean the fitted model reproduces the data it was fitted on.",
        ], svg: PeriodTransactionsChart.render(diagnostics), table: nil)
        if let holdout = diagnostics.holdout {
            html += section("Calibration and holdout purchases", notes: [
                "Customers grouped by repeat purchases to \(calibration); the mean of their purchases in the holdout to \(LifetimeCalendar.date(holdout.holdoutEnd)), and the model's prediction for it. Mean absolute error \(Format.fixed(holdout.meanAbsoluteError, decimals: 4)) purchases per customer.",
            ], svg: HoldoutPurchasesChart.render(holdout, observationEnd: diagnostics.observationEnd, period: diagnostics.period), table: nil)
        } else {
            html += "<section>\n<h2>Calibration and holdout purchases</h2>\n<p class=\"note\">\(SVG.escape(reference)) was trained without a holdout (no purchases after \(calibration), or none asked for), so there is nothing to compare its predictions with: train with a later data end or `--holdout-end`.</p>\n</section>\n"
        }
        return html
    }

    private static func section(_ heading: String, notes: [String], svg: String, table: Table?) -> String {
        var out = "<section>\n<h2>\(SVG.escape(heading))</h2>\n<div class=\"chart\">" + svg + "</div>\n"
        if let table { out += htmlTable(table) }
        for note in notes { out += "<p class=\"note\">\(SVG.escape(note))</p>\n" }
        return out + "</section>\n"
    }

    static func htmlTable(_ table: Table) -> String {
        let shown = table.shownColumns
        var out = "<table>\n<tr>" + shown.map { "<th>\(SVG.escape(table.columns[$0].label))</th>" }.joined() + "</tr>\n"
        for row in table.displayRows {
            out += "<tr>" + shown.map { "<td>\(SVG.escape($0 < row.count ? row[$0] : ""))</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }
}
