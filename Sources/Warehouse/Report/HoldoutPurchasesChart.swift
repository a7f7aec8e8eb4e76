import Foundation
import Learning

/// Mean purchases in the holdout by repeat purchases in calibration, actual and predicted
/// (lifetimes' `plot_calibration_purchases_vs_holdout_purchases`).
enum HoldoutPurchasesChart {
    static func render(_ holdout: LifetimeHoldout, observationEnd: Int64, period: SummaryPeriod) -> String {
        let buckets = holdout.buckets
        let width = 820.0
        let plot = PlotArea(left: 64, top: 36, width: 500, height: 220)
        var svg = SVG(id: "clv-holdout", width: width, height: plot.bottom + 46,
                      title: "Mean purchases in the holdout by repeat purchases in calibration: actual and predicted")
        let largest = buckets.map { max($0.actualMean, $0.predictedMean) }.max() ?? 1
        let scale = AxisScale(covering: 0, largest)
        svg.yAxis(scale, plot: plot, title: "mean purchases in the holdout (\(Format.fixed(holdout.length, decimals: 1)) \(period.rawValue)s to \(LifetimeCalendar.date(holdout.holdoutEnd)))")
        let slot = plot.width / Double(max(1, buckets.count))
        let series: [(name: String, colour: String, text: String, value: (LifetimeHoldout.Bucket) -> Double)] = [
            ("actual", ReportColours.series[0], "actual", { $0.actualMean }),
            ("predicted", ReportColours.series[1], "predicted", { $0.predictedMean }),
        ]
        for line in series {
            let points = buckets.enumerated().map { (plot.left + slot * (Double($0.offset) + 0.5), plot.y(line.value($0.element), on: scale)) }
            svg.polyline(points, stroke: line.colour, width: 2)
            for (index, bucket) in buckets.enumerated() {
                svg.circle(x: points[index].0, y: points[index].1, r: 3.5, fill: line.colour,
                           datum: .init(series: line.name, key: bucket.label, value: String(line.value(bucket)),
                                        tooltip: "\(bucket.label) repeat purchases (\(Format.count(bucket.customers)) customers): \(line.text) mean \(Format.fixed(line.value(bucket), decimals: 3))"))
            }
        }
        svg.categoryLabels(buckets.map(\.label), plot: plot, size: 10,
                           title: "repeat purchases in the calibration period (to \(LifetimeCalendar.date(observationEnd)))")
        svg.line(x1: plot.right + 24, y1: plot.top + 10, x2: plot.right + 48, y2: plot.top + 10, stroke: ReportColours.series[0], width: 2)
        svg.text("actual", x: plot.right + 54, y: plot.top + 14)
        svg.line(x1: plot.right + 24, y1: plot.top + 30, x2: plot.right + 48, y2: plot.top + 30, stroke: ReportColours.series[1], width: 2)
        svg.text("predicted by the model", x: plot.right + 54, y: plot.top + 34)
        return svg.render()
    }
}
