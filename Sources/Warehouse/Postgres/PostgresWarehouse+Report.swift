import Foundation

/// `lifecycle report` on PostgreSQL: the same page as on a file, drawn from the same three
/// answers (`rfmSummary`, `retention`, `activity` from `sql/postgres/`). The sections that read
/// trained models (lifetime value, satisfaction) are absent, as on a file where no model was
/// trained: models cannot be trained on PostgreSQL yet.
extension PostgresWarehouse {
    /// The RFM summary, the retention triangle and the activity of the report's scope.
    public func reportData(_ options: ReportOptions, now: Date = Date()) throws -> ReportData {
        try reportData(options, now: now, lifetimeValue: { _ in nil })
    }

    /// Writes the HTML report to `path`, titled with the database's name.
    @discardableResult
    public func writeReport(to path: String, options: ReportOptions) throws -> ReportWritten {
        let data = try reportData(options)
        return try HTMLReport.write(HTMLReport.render(data, title: "Lifecycle report: \(location.database)"), of: data, to: path)
    }
}
