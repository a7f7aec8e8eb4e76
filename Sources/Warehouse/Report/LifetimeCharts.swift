import Foundation

/// The lifetime-value charts of the report.
enum LifetimeCharts {
    /// Customers per lifetime-value bin.
    static func distribution(_ section: LifetimeValueSection) -> String {
        let width = 820.0
        let plot = PlotArea(left: 64, top: 30, width: width - 64 - 20, height: 210)
        var svg = SVG(id: "clv-distribution", width: width, height: plot.bottom + 46, title: "Customers by predicted lifetime value")
        let bins = section.histogram()
        let scale = AxisScale(covering: 0, Double(bins.map(\.customers).max() ?? 1), integer: true)
        let slot = plot.width / Double(max(1, bins.count))
        svg.yAxis(scale, plot: plot, title: "customers")
        var labels: [String] = []
        // The bins are a tick step wide: their edges need the step's decimals.
        let binWidth = bins.first?.upper.map { $0 - (bins.first?.lower ?? 0) } ?? 1
        let decimals = binWidth >= 1 ? 0 : Int((-log10(binWidth)).rounded(.up))
        func edge(_ value: Double, _ decimals: Int) -> String { Grouping.digits(String(format: "%.\(decimals)f", value)) }
        for (index, bin) in bins.enumerated() {
            let top = plot.y(Double(bin.customers), on: scale)
            let label = bin.upper.map { "\(edge(bin.lower, decimals))–\(edge($0, decimals))" } ?? "> \(edge(bin.lower, decimals))"
            labels.append(label)
            let x = plot.left + slot * Double(index)
            svg.rect(x: x + slot * 0.1, y: top, width: slot * 0.8, height: plot.bottom - top, fill: ReportColours.series[2],
                     datum: .init(series: "customers", key: label, value: String(bin.customers),
                                  tooltip: "lifetime value \(label): \(Format.count(bin.customers)) customers"))
        }
        svg.categoryLabels(labels, plot: plot, title: "predicted lifetime value (bins up to the 99th percentile, then the rest)")
        return svg.render()
    }

    /// P(alive) against days since the last purchase, one dot per customer (at most 1,000,
    /// evenly spread over the customers ordered by lifetime value). One-purchase customers
    /// (P(alive) = 1 by the model) are drawn first, so repeat buyers show on top of them, and the
    /// legend sits above the plot where no dot can cover it.
    static func aliveByRecency(_ section: LifetimeValueSection) -> String {
        let width = 820.0
        let plot = PlotArea(left: 64, top: 36, width: width - 64 - 20, height: 230)
        var svg = SVG(id: "clv-alive", width: width, height: plot.bottom + 46, title: "P(alive) against days since the last purchase")
        let points = section.aliveByRecency
        let xScale = AxisScale(covering: 0, points.map(\.days).max() ?? 1, maxTicks: 12, integer: true)
        let yScale = AxisScale(covering: 0, 1)
        svg.yAxis(yScale, plot: plot, title: "P(alive)")
        svg.xAxis(xScale, plot: plot, title: "days since the last purchase")
        let step = max(1, (points.count + 999) / 1000)
        let shown = Array(stride(from: 0, to: points.count, by: step))
        for oneTimeFirst in [true, false] {
            for index in shown where (section.scores[index].summary.frequency == 0) == oneTimeFirst {
                let point = points[index]
                let customer = section.scores[index].externalID
                svg.circle(x: plot.x(point.days, on: xScale), y: plot.y(point.probabilityAlive, on: yScale), r: 2,
                           fill: oneTimeFirst ? ReportColours.series[7] : ReportColours.series[0],
                           datum: .init(series: "probability_alive", key: customer, value: String(point.probabilityAlive),
                                        tooltip: "\(customer): \(Format.count(Int(point.days))) days since the last purchase, P(alive) \(Format.fixed(point.probabilityAlive, decimals: 3))"))
            }
        }
        svg.circle(x: plot.left + 80, y: 12, r: 4, fill: ReportColours.series[0])
        svg.text("repeat buyers", x: plot.left + 88, y: 16)
        svg.circle(x: plot.left + 190, y: 12, r: 4, fill: ReportColours.series[7])
        svg.text("one purchase so far (P(alive) = 1 in BG/NBD)", x: plot.left + 198, y: 16)
        return svg.render()
    }
}
