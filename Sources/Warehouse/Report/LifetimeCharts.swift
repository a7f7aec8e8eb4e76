import Foundation

/// The lifetime-value charts of the report.
enum LifetimeCharts {
    /// Customers per lifetime-value bin.
    static func distribution(_ section: LifetimeValueSection) -> String {
        let width = 820.0, height = 280.0, left = 64.0, right = 20.0, top = 20.0, bottom = 50.0
        var svg = SVG(id: "clv-distribution", width: width, height: height, title: "Customers by predicted lifetime value")
        let bins = section.histogram()
        let peak = Double(max(1, bins.map(\.customers).max() ?? 1))
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let slot = plotWidth / Double(max(1, bins.count))
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#333")
        svg.text(Format.count(Int(peak)), x: left - 6, y: top + 4, anchor: "end", size: 10)
        for (index, bin) in bins.enumerated() {
            let h = plotHeight * Double(bin.customers) / peak
            let label = bin.upper.map { "\(Format.fixed(bin.lower, decimals: 0))–\(Format.fixed($0, decimals: 0))" }
                ?? "> \(Format.fixed(bin.lower, decimals: 0))"
            let x = left + slot * Double(index)
            svg.rect(x: x + slot * 0.1, y: top + plotHeight - h, width: slot * 0.8, height: h, fill: ReportColours.series[2],
                     datum: .init(series: "customers", key: label, value: String(bin.customers),
                                  tooltip: "lifetime value \(label): \(Format.count(bin.customers)) customers"))
            svg.text(label, x: x + slot / 2, y: top + plotHeight + 14, anchor: "middle", size: 9)
        }
        svg.text("predicted lifetime value (bins up to the 99th percentile, then the rest)", x: left + plotWidth / 2, y: height - 8,
                 anchor: "middle", size: 11)
        return svg.render()
    }

    /// P(alive) against days since the last purchase, one dot per customer (at most 1,000,
    /// evenly spread over the customers ordered by lifetime value).
    static func aliveByRecency(_ section: LifetimeValueSection) -> String {
        let width = 820.0, height = 300.0, left = 64.0, right = 20.0, top = 20.0, bottom = 44.0
        var svg = SVG(id: "clv-alive", width: width, height: height, title: "P(alive) against days since the last purchase")
        let points = section.aliveByRecency
        let longest = max(1, points.map(\.days).max() ?? 1)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#333")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: "#333")
        for tick in [0.0, 0.5, 1.0] {
            svg.text(Format.fixed(tick, decimals: 1), x: left - 6, y: top + plotHeight * (1 - tick) + 4, anchor: "end", size: 10)
        }
        svg.text(Format.count(Int(longest)), x: left + plotWidth, y: top + plotHeight + 14, anchor: "end", size: 10)
        let step = max(1, (points.count + 999) / 1000)
        for index in stride(from: 0, to: points.count, by: step) {
            let point = points[index]
            let customer = section.scores[index].externalID
            let oneTime = section.scores[index].summary.frequency == 0
            svg.circle(x: left + plotWidth * point.days / longest, y: top + plotHeight * (1 - point.probabilityAlive), r: 2,
                       fill: oneTime ? ReportColours.series[7] : ReportColours.series[0],
                       datum: .init(series: "probability_alive", key: customer, value: String(point.probabilityAlive),
                                    tooltip: "\(customer): \(Format.count(Int(point.days))) days since the last purchase, P(alive) \(Format.fixed(point.probabilityAlive, decimals: 3))"))
        }
        svg.text("days since the last purchase", x: left + plotWidth / 2, y: height - 8, anchor: "middle", size: 11)
        svg.circle(x: left + plotWidth - 250, y: 10, r: 4, fill: ReportColours.series[0])
        svg.text("repeat buyers", x: left + plotWidth - 242, y: 14)
        svg.circle(x: left + plotWidth - 140, y: 10, r: 4, fill: ReportColours.series[7])
        svg.text("one purchase so far", x: left + plotWidth - 132, y: 14)
        return svg.render()
    }
}
