import Foundation

extension AnalyticsEngine {
    /// The report's questions for `options`: RFM over the whole history to the as-of (the
    /// `--since/--until` window bounds the cohorts and the activity, not who is a customer),
    /// the retention triangle and the activity of the scope's window. `lifetimeValue` is the
    /// engine's section for the RFM as-of, when it has one.
    func reportData(_ options: ReportOptions, now: Date,
                    lifetimeValue: (_ asOf: Int64) throws -> LifetimeValueSection?) throws -> ReportData {
        var rfmScope = options.scope
        rfmScope.until = nil
        rfmScope.since = nil
        let rfm = try rfmSummary(RFMOptions(scope: rfmScope))
        let retention = try retention(RetentionOptions(scope: options.scope, period: options.period))
        let activity = try activity(ActivityOptions(scope: options.scope, period: options.period))
        return ReportData(rfm: rfm, retention: retention, activity: activity,
                          lifetimeValue: try lifetimeValue(rfm.scope.asOf), generatedAt: now)
    }
}

extension HTMLReport {
    /// Writes `html` (the page rendered from `data`) to `path`, replacing any file there at once.
    static func write(_ html: String, of data: ReportData, to path: String) throws -> ReportWritten {
        do {
            try html.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw AnalyticsError.invalidOption(option: "--out \(path)", reason: "cannot write the file (\(error.localizedDescription))")
        }
        return ReportWritten(bytes: html.utf8.count, customers: data.rfm.customers, cohorts: data.retention.cohorts.count,
                             periods: data.activity.periods.count)
    }
}
