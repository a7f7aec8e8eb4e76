import Foundation

/// Customers by repeat purchases in calibration: actual and the model's expectation, side by
/// side (lifetimes' `plot_period_transactions`).
enum PeriodTransactionsChart {
    static func render(_ diagnostics: LifetimeDiagnostics) -> String {
        let buckets = diagnostics.periodTransactions.buckets
        let width = 820.0
        let plot = PlotArea(left: 64, top: 36, width: 500, height: 220)
        var svg = SVG(id: "clv-period-transactions", width: width, height: plot.bottom + 46,
                      title: "Customers by repeat purchases in calibration: actual and model")
        let largest = buckets.map { max(Double($0.actual), $0.expected) }.max() ?? 1
        let scale = AxisScale(covering: 0, largest, integer: true)
        svg.yAxis(scale, plot: plot, title: "customers")
        let slot = plot.width / Double(max(1, buckets.count))
        for (index, bucket) in buckets.enumerated() {
            let x = plot.left + slot * Double(index)
            let actualTop = plot.y(Double(bucket.actual), on: scale), expectedTop = plot.y(bucket.expected, on: scale)
            svg.rect(x: x + slot * 0.12, y: actualTop, width: slot * 0.38, height: plot.bottom - actualTop, fill: ReportColours.series[0],
                     datum: .init(series: "actual", key: bucket.label, value: String(bucket.actual),
                                  tooltip: "\(bucket.label) repeat purchases: \(Format.count(bucket.actual)) customers"))
            svg.rect(x: x + slot * 0.5, y: expectedTop, width: slot * 0.38, height: plot.bottom - expectedTop, fill: ReportColours.series[1],
                     datum: .init(series: "model", key: bucket.label, value: String(bucket.expected),
                                  tooltip: "\(bucket.label) repeat purchases: \(Format.fixed(bucket.expected, decimals: 1)) customers expected"))
        }
        svg.categoryLabels(buckets.map(\.label), plot: plot, size: 10,
                           title: "repeat purchases in the calibration period (to \(LifetimeCalendar.date(diagnostics.observationEnd)))")
        svg.rect(x: plot.right + 24, y: plot.top + 2, width: 12, height: 12, fill: ReportColours.series[0])
        svg.text("actual", x: plot.right + 42, y: plot.top + 12)
        svg.rect(x: plot.right + 24, y: plot.top + 22, width: 12, height: 12, fill: ReportColours.series[1])
        svg.text("model: Σ P(X(T) = x)", x: plot.right + 42, y: plot.top + 32)
        svg.text("over the customers' ages T", x: plot.right + 42, y: plot.top + 46)
        return svg.render()
    }
}
