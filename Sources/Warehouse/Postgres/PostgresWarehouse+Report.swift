import Foundation

/// `lifecycle report` on PostgreSQL: the same page as on a file, drawn from the same three
/// answers (`rfmSummary`, `retention`, `activity` from `sql/postgres/`), with the lifetime
/// value section once a `clv` model is trained (`LifetimeEngine.lifetimeValueSection`) and the
/// satisfaction section once a satisfaction model is (`ChurnEngine.satisfactionReportSection`).
extension PostgresWarehouse {
    /// The RFM summary, the retention triangle and the activity of the report's scope, with the
    /// lifetime value section once a `clv` model is trained.
    public func reportData(_ options: ReportOptions, now: Date = Date()) throws -> ReportData {
        try reportData(options, now: now, lifetimeValue: lifetimeValueSection(asOf:))
    }

    /// Writes the HTML report to `path`, titled with the database's name, with the satisfaction
    /// section once a satisfaction model is trained.
    @discardableResult
    public func writeReport(to path: String, options: ReportOptions) throws -> ReportWritten {
        let data = try reportData(options)
        let html = try withSatisfactionSection(HTMLReport.render(data, title: "Lifecycle report: \(location.database)"), asOf: data.rfm.scope.asOf)
        return try HTMLReport.write(html, of: data, to: path)
    }
}
