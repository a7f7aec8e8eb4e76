import Foundation

/// The report's charts, each one SVG whose data marks carry the numbers they draw.
enum ReportCharts {
    /// Horizontal bars per segment: share of customers and share of net revenue.
    static func segments(_ summary: RFMSummary) -> String {
        let rowHeight = 30.0, left = 170.0, barWidth = 330.0, top = 34.0
        var svg = SVG(id: "rfm-segments", width: 820, height: top + rowHeight * Double(summary.segments.count) + 20,
                      title: "RFM segments: share of customers and of net revenue")
        svg.rect(x: left, y: 8, width: 12, height: 12, fill: ReportColours.series[0])
        svg.text("customers", x: left + 16, y: 18)
        svg.rect(x: left + 100, y: 8, width: 12, height: 12, fill: ReportColours.series[1])
        svg.text("net revenue", x: left + 116, y: 18)
        let largest = max(0.0001, summary.segments.map { max($0.userShare, $0.revenueShare ?? 0) }.max() ?? 1)
        for (index, segment) in summary.segments.enumerated() {
            let y = top + rowHeight * Double(index)
            svg.text(segment.name, x: left - 8, y: y + 15, anchor: "end", size: 12, weight: "bold")
            svg.rect(x: left, y: y + 2, width: barWidth * segment.userShare / largest, height: 11, fill: ReportColours.series[0],
                     datum: .init(series: "users", key: segment.name, value: String(segment.users),
                                  tooltip: "\(segment.name): \(Format.count(segment.users)) customers (\(Format.percent(segment.userShare)))"))
            svg.rect(x: left, y: y + 14, width: barWidth * max(0, segment.revenueShare ?? 0) / largest, height: 11, fill: ReportColours.series[1],
                     datum: .init(series: "revenue_micros", key: segment.name, value: String(segment.revenueMicros),
                                  tooltip: "\(segment.name): net revenue \(Format.money(segment.revenueMicros, currency: summary.scope.currency)) (\(Format.percent(segment.revenueShare)))"))
            svg.text("\(Format.count(segment.users)) customers · \(Format.percent(segment.userShare)) · revenue \(Format.percent(segment.revenueShare))",
                     x: left + barWidth + 12, y: y + 17)
        }
        return svg.render()
    }

    /// Points of the retention curve averaging fewer cohorts than this are drawn hollow, and the
    /// curve to them dashed: a mean of one or two cohorts says little about the shop.
    static let fewCohorts = 3

    /// Retention curves: each cohort (thin), the size-weighted mean (thick) and the simple mean
    /// (orange); means over fewer than `fewCohorts` cohorts are hollow points on a dashed line.
    static func curves(_ triangle: RetentionTriangle) -> String {
        let width = 820.0, height = 340.0
        let plot = PlotArea(left: 56, top: 24, width: width - 56 - 190, height: height - 24 - 48)
        var svg = SVG(id: "retention-curve", width: width, height: height, title: "Retention curves")
        let shares = triangle.cohorts.flatMap { $0.cells.filter(\.complete).compactMap(\.share) }
            + triangle.curve.compactMap(\.weighted) + triangle.curve.compactMap(\.mean)
        let yScale = AxisScale(covering: 0, shares.max() ?? 1, maxTicks: 7)
        let xScale = AxisScale(covering: 0, Double(max(1, triangle.maxOffset)), maxTicks: 14, integer: true)
        svg.yAxis(yScale, plot: plot, format: .percent)
        svg.xAxis(xScale, plot: plot, title: "k (\(triangle.options.period.rawValue)s since the cohort's \(triangle.options.period.rawValue))")
        func point(_ k: Int, _ share: Double) -> (Double, Double) { (plot.x(Double(k), on: xScale), plot.y(share, on: yScale)) }
        for cohort in triangle.cohorts {
            let points = cohort.cells.filter { $0.complete }.compactMap { cell in cell.share.map { point(cell.k, $0) } }
            svg.polyline(points, stroke: "#9ecae1", width: 1, opacity: 0.8)
        }
        let series: [(name: String, colour: String, width: Double, radius: Double, values: [(RetentionCurvePoint, Double)], text: String)] = [
            ("mean", ReportColours.series[1], 2, 2.5, triangle.curve.compactMap { p in p.mean.map { (p, $0) } }, "simple mean"),
            ("weighted", "#08306b", 3, 3.5, triangle.curve.compactMap { p in p.weighted.map { (p, $0) } }, "weighted by cohort size"),
        ]
        for line in series {
            // Cohorts reaching k only fall as k grows, so the few-cohort points are the tail.
            let solid = line.values.filter { $0.0.cohorts >= fewCohorts }
            let tail = line.values.filter { $0.0.cohorts < fewCohorts }
            svg.polyline(solid.map { point($0.0.k, $0.1) }, stroke: line.colour, width: line.width)
            if !tail.isEmpty {
                svg.polyline((solid.suffix(1) + tail).map { point($0.0.k, $0.1) }, stroke: line.colour, width: line.width / 1.5,
                             dash: "4 3")
            }
            for (curvePoint, share) in line.values {
                let (x, y) = point(curvePoint.k, share)
                let few = curvePoint.cohorts < fewCohorts
                svg.circle(x: x, y: y, r: line.radius, fill: few ? "#fff" : line.colour,
                           datum: .init(series: line.name, key: String(curvePoint.k), value: Format.fixed(share, decimals: 6),
                                        tooltip: "k = \(curvePoint.k): \(Format.percent(share)) (\(line.text), \(Format.count(curvePoint.cohorts)) cohort\(curvePoint.cohorts == 1 ? "" : "s"))"),
                           extra: " data-cohorts=\"\(curvePoint.cohorts)\"" + (few ? " data-few-cohorts=\"true\" stroke=\"\(line.colour)\" stroke-width=\"1.5\"" : ""))
            }
        }
        let legendX = plot.right + 16
        svg.line(x1: legendX, y1: plot.top + 10, x2: legendX + 24, y2: plot.top + 10, stroke: "#08306b", width: 3)
        svg.text("weighted mean", x: legendX + 30, y: plot.top + 14)
        svg.line(x1: legendX, y1: plot.top + 30, x2: legendX + 24, y2: plot.top + 30, stroke: ReportColours.series[1], width: 2)
        svg.text("simple mean", x: legendX + 30, y: plot.top + 34)
        svg.line(x1: legendX, y1: plot.top + 50, x2: legendX + 24, y2: plot.top + 50, stroke: "#9ecae1", width: 1)
        svg.text("each cohort", x: legendX + 30, y: plot.top + 54)
        svg.circle(x: legendX + 12, y: plot.top + 70, r: 3.5, fill: "#fff", extra: " stroke=\"#08306b\" stroke-width=\"1.5\"")
        svg.text("mean of fewer than \(fewCohorts)", x: legendX + 30, y: plot.top + 74)
        svg.text("cohorts (dashed): little", x: legendX + 30, y: plot.top + 88)
        svg.text("to go on", x: legendX + 30, y: plot.top + 102)
        if let first = triangle.curve.first(where: { $0.cohorts < fewCohorts && ($0.weighted != nil || $0.mean != nil) }) {
            svg.text("from k = \(first.k) on, the means", x: legendX, y: plot.top + 124, size: 10, fill: "#b22")
            svg.text("average fewer than \(fewCohorts) cohorts", x: legendX, y: plot.top + 138, size: 10,
                     fill: "#b22", extra: " data-few-from=\"\(first.k)\"")
        }
        return svg.render()
    }

    /// The plot width a chart of `count` equal slots needs: at least `minimum`, and 6 px a slot.
    static func plotWidth(slots count: Int, minimum: Double) -> Double {
        max(minimum, 6 * Double(count))
    }

    /// Active users per period (bars) with first purchases (line).
    static func activity(_ report: ActivityReport) -> String {
        let periods = report.periods
        let plot = PlotArea(left: 64, top: 40, width: plotWidth(slots: periods.count, minimum: 736), height: 216)
        var svg = SVG(id: "activity-users", width: plot.right + 20, height: plot.bottom + 44,
                      title: "Active users per \(report.options.period.rawValue)")
        let scale = AxisScale(covering: 0, Double(periods.map { max($0.activeUsers, $0.firstPurchases) }.max() ?? 1), integer: true)
        let slot = plot.width / Double(max(1, periods.count))
        svg.yAxis(scale, plot: plot, title: "customers")
        var line: [(Double, Double)] = []
        for (index, period) in periods.enumerated() {
            let x = plot.left + slot * Double(index)
            let top = plot.y(Double(period.activeUsers), on: scale)
            svg.rect(x: x + slot * 0.15, y: top, width: slot * 0.7, height: plot.bottom - top,
                     fill: period.complete ? ReportColours.series[0] : "#9ecae1",
                     datum: .init(series: "active_users", key: period.label, value: String(period.activeUsers),
                                  tooltip: "\(period.label): \(Format.count(period.activeUsers)) active\(period.complete ? "" : " (incomplete)")"))
            line.append((x + slot / 2, plot.y(Double(period.firstPurchases), on: scale)))
        }
        svg.categoryLabels(periods.map(\.label), plot: plot)
        svg.polyline(line, stroke: ReportColours.series[2], width: 2)
        for (index, period) in periods.enumerated() {
            svg.circle(x: line[index].0, y: line[index].1, r: 2.5, fill: ReportColours.series[2],
                       datum: .init(series: "first_purchases", key: period.label, value: String(period.firstPurchases),
                                    tooltip: "\(period.label): \(Format.count(period.firstPurchases)) first purchases"))
        }
        svg.rect(x: plot.left + 80, y: 8, width: 12, height: 12, fill: ReportColours.series[0])
        svg.text("active users", x: plot.left + 96, y: 18)
        svg.rect(x: plot.left + 190, y: 8, width: 12, height: 12, fill: "#9ecae1")
        svg.text("period not over", x: plot.left + 206, y: 18)
        svg.rect(x: plot.left + 310, y: 8, width: 12, height: 12, fill: ReportColours.series[2])
        svg.text("first purchases", x: plot.left + 326, y: 18)
        return svg.render()
    }

    /// Lifecycle per period: new, returning and resurrecting above the axis, dormant below.
    static func lifecycle(_ report: ActivityReport) -> String {
        let periods = report.periods
        let plot = PlotArea(left: 64, top: 40, width: plotWidth(slots: periods.count, minimum: 736), height: 250)
        var svg = SVG(id: "lifecycle", width: plot.right + 20, height: plot.bottom + 44,
                      title: "Lifecycle states per \(report.options.period.rawValue)")
        let up = Double(periods.map { $0.newUsers + $0.returningUsers + $0.resurrectingUsers }.max() ?? 0)
        let down = Double(periods.map(\.dormantUsers).max() ?? 0)
        let scale = AxisScale(covering: -down, up, maxTicks: 8, integer: true)
        let slot = plot.width / Double(max(1, periods.count))
        svg.yAxis(scale, plot: plot, title: "customers (dormant below 0)")
        let zero = plot.y(0, on: scale)
        for (index, period) in periods.enumerated() {
            let x = plot.left + slot * Double(index) + slot * 0.15
            var base = 0
            for (state, count) in [("new", period.newUsers), ("returning", period.returningUsers), ("resurrecting", period.resurrectingUsers)] {
                let top = plot.y(Double(base + count), on: scale), bottom = plot.y(Double(base), on: scale)
                svg.rect(x: x, y: top, width: slot * 0.7, height: bottom - top, fill: ReportColours.lifecycle[state] ?? "#999",
                         datum: .init(series: state, key: period.label, value: String(count), tooltip: "\(period.label): \(Format.count(count)) \(state)"))
                base += count
            }
            svg.rect(x: x, y: zero, width: slot * 0.7, height: plot.y(-Double(period.dormantUsers), on: scale) - zero,
                     fill: ReportColours.lifecycle["dormant"] ?? "#999",
                     datum: .init(series: "dormant", key: period.label, value: String(period.dormantUsers),
                                  tooltip: "\(period.label): \(Format.count(period.dormantUsers)) dormant"))
        }
        svg.line(x1: plot.left, y1: zero, x2: plot.right, y2: zero, stroke: "#333")
        svg.categoryLabels(periods.map(\.label), plot: plot)
        var legend = plot.left + 180
        for state in ["new", "returning", "resurrecting", "dormant"] {
            svg.rect(x: legend, y: 8, width: 12, height: 12, fill: ReportColours.lifecycle[state] ?? "#999")
            svg.text(state, x: legend + 16, y: 18)
            legend += 100
        }
        return svg.render()
    }
}
