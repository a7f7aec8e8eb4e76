extension Warehouse {
    /// What `lifecycle demo` ends with: the RFM summary and the monthly retention triangle as
    /// text tables, after writing the HTML report to `reportPath`.
    public func analyticsDigest(reportPath: String) throws -> String {
        let summary = try rfmSummary(RFMOptions())
        let triangle = try retention(RetentionOptions())
        let written = try writeReport(to: reportPath, options: ReportOptions())
        return "RFM segments\n" + summary.table().rendered(as: .table) + "\nMonthly retention\n"
            + triangle.triangleTable().rendered(as: .table) + "\nReport: \(reportPath) (\(Format.count(written.bytes)) bytes)\n"
    }
}
