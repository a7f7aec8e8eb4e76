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
                                  tooltip: "\(segment.name): net revenue \(ExactDecimal.format(segment.revenueMicros)) (\(Format.percent(segment.revenueShare)))"))
            svg.text("\(Format.count(segment.users)) customers · \(Format.percent(segment.userShare)) · revenue \(Format.percent(segment.revenueShare))",
                     x: left + barWidth + 12, y: y + 17)
        }
        return svg.render()
    }

    /// The cohort triangle: one cell per cohort and offset, darker for higher shares.
    static func heatmap(_ triangle: RetentionTriangle) -> String {
        let cell = 52.0, rowHeight = 24.0, left = 150.0, top = 40.0
        let offsets = triangle.maxOffset + 1
        var svg = SVG(id: "cohort-heatmap", width: max(420, left + cell * Double(offsets) + 20),
                      height: top + rowHeight * Double(triangle.cohorts.count) + 36,
                      title: "Cohort retention: \(triangle.metricText)")
        let scale = max(0.0001, triangle.cohorts.flatMap { $0.cells.filter { $0.k > 0 }.compactMap(\.share) }.max() ?? 1)
        svg.text("cohort", x: 8, y: top - 10, weight: "bold")
        svg.text("customers", x: left - 10, y: top - 10, anchor: "end", weight: "bold")
        for k in 0..<offsets {
            svg.text("k\(k)", x: left + cell * (Double(k) + 0.5), y: top - 10, anchor: "middle", weight: "bold")
        }
        for (row, cohort) in triangle.cohorts.enumerated() {
            let y = top + rowHeight * Double(row)
            svg.text(cohort.label, x: 8, y: y + 16)
            svg.text(Format.count(cohort.users), x: left - 10, y: y + 16, anchor: "end",
                     datum: .init(series: "cohort_users", key: cohort.label, value: String(cohort.users), tooltip: ""))
            for item in cohort.cells {
                let level = min(1, (item.share ?? 0) / scale)
                let x = left + cell * Double(item.k)
                svg.rect(x: x + 1, y: y + 1, width: cell - 2, height: rowHeight - 2, fill: ReportColours.blue(level),
                         datum: .init(series: "value", key: "\(cohort.label)/k\(item.k)", value: String(item.value),
                                      tooltip: "\(cohort.label), k = \(item.k): \(Format.percent(item.share))\(item.complete ? "" : " (incomplete)")"),
                         extra: item.complete ? "" : " stroke=\"#d62728\" stroke-dasharray=\"3 2\"")
                svg.text(Format.percent(item.share) + (item.complete ? "" : "*"), x: x + cell / 2, y: y + 16, anchor: "middle", size: 10,
                         fill: level > 0.5 ? "#fff" : "#222")
            }
        }
        svg.text("* incomplete: the period cohort+k is not over at as-of (dashed red border)", x: 8,
                 y: top + rowHeight * Double(triangle.cohorts.count) + 22, size: 10, fill: "#666")
        return svg.render()
    }

    /// Retention curves: each cohort (thin), the size-weighted mean (thick) and the simple mean (dashed).
    static func curves(_ triangle: RetentionTriangle) -> String {
        let width = 820.0, height = 320.0, left = 56.0, right = 150.0, top = 20.0, bottom = 40.0
        var svg = SVG(id: "retention-curve", width: width, height: height, title: "Retention curves")
        let offsets = max(1, triangle.maxOffset)
        let shares = triangle.cohorts.flatMap { $0.cells.filter { $0.k > 0 && $0.complete }.compactMap(\.share) }
        let top100 = max(triangle.options.metric == .users ? 1.0 : (shares.max() ?? 1), 0.0001)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ k: Int) -> Double { left + plotWidth * Double(k) / Double(offsets) }
        func y(_ share: Double) -> Double { top + plotHeight * (1 - min(1.2, share / top100)) }
        for tick in 0...4 {
            let share = top100 * Double(tick) / 4
            svg.line(x1: left, y1: y(share), x2: left + plotWidth, y2: y(share), stroke: "#e5e5e5")
            svg.text(Format.percent(share, decimals: 0), x: left - 6, y: y(share) + 4, anchor: "end", size: 10)
        }
        for k in 0...offsets {
            svg.text("\(k)", x: x(k), y: top + plotHeight + 16, anchor: "middle", size: 10)
        }
        svg.text("k (\(triangle.options.period.rawValue)s since the cohort's)", x: left + plotWidth / 2, y: height - 6, anchor: "middle")
        for cohort in triangle.cohorts {
            let points = cohort.cells.filter { $0.complete }.compactMap { cell in cell.share.map { (x(cell.k), y($0)) } }
            svg.polyline(points, stroke: "#9ecae1", width: 1, opacity: 0.8)
        }
        let weighted = triangle.curve.compactMap { point in point.weighted.map { (point.k, $0) } }
        let mean = triangle.curve.compactMap { point in point.mean.map { (point.k, $0) } }
        svg.polyline(mean.map { (x($0.0), y($0.1)) }, stroke: ReportColours.series[1], width: 2)
        svg.polyline(weighted.map { (x($0.0), y($0.1)) }, stroke: "#08306b", width: 3)
        for (k, share) in weighted {
            svg.circle(x: x(k), y: y(share), r: 3.5, fill: "#08306b",
                       datum: .init(series: "weighted", key: String(k), value: Format.fixed(share, decimals: 6),
                                    tooltip: "k = \(k): \(Format.percent(share)) (weighted by cohort size)"))
        }
        for (k, share) in mean {
            svg.circle(x: x(k), y: y(share), r: 2.5, fill: ReportColours.series[1],
                       datum: .init(series: "mean", key: String(k), value: Format.fixed(share, decimals: 6),
                                    tooltip: "k = \(k): \(Format.percent(share)) (simple mean)"))
        }
        let legendX = left + plotWidth + 16
        svg.line(x1: legendX, y1: top + 10, x2: legendX + 24, y2: top + 10, stroke: "#08306b", width: 3)
        svg.text("weighted mean", x: legendX + 30, y: top + 14)
        svg.line(x1: legendX, y1: top + 30, x2: legendX + 24, y2: top + 30, stroke: ReportColours.series[1], width: 2)
        svg.text("simple mean", x: legendX + 30, y: top + 34)
        svg.line(x1: legendX, y1: top + 50, x2: legendX + 24, y2: top + 50, stroke: "#9ecae1", width: 1)
        svg.text("each cohort", x: legendX + 30, y: top + 54)
        return svg.render()
    }

    /// Active users per period (bars) with first purchases (line).
    static func activity(_ report: ActivityReport) -> String {
        let width = 820.0, height = 300.0, left = 64.0, right = 20.0, top = 30.0, bottom = 44.0
        var svg = SVG(id: "activity-users", width: width, height: height, title: "Active users per \(report.options.period.rawValue)")
        let periods = report.periods
        let peak = Double(max(1, periods.map(\.activeUsers).max() ?? 1))
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let slot = plotWidth / Double(max(1, periods.count))
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / peak) }
        for tick in 0...4 {
            let value = peak * Double(tick) / 4
            svg.line(x1: left, y1: y(value), x2: left + plotWidth, y2: y(value), stroke: "#e5e5e5")
            svg.text(Format.count(Int(value.rounded())), x: left - 6, y: y(value) + 4, anchor: "end", size: 10)
        }
        var line: [(Double, Double)] = []
        for (index, period) in periods.enumerated() {
            let x = left + slot * Double(index)
            svg.rect(x: x + slot * 0.15, y: y(Double(period.activeUsers)), width: slot * 0.7, height: plotHeight * Double(period.activeUsers) / peak,
                     fill: period.complete ? ReportColours.series[0] : "#9ecae1",
                     datum: .init(series: "active_users", key: period.label, value: String(period.activeUsers),
                                  tooltip: "\(period.label): \(Format.count(period.activeUsers)) active\(period.complete ? "" : " (incomplete)")"))
            line.append((x + slot / 2, y(Double(period.firstPurchases))))
            if periods.count <= 40 || index % max(1, periods.count / 20) == 0 {
                svg.text(period.label, x: x + slot / 2, y: top + plotHeight + 14, anchor: "middle", size: 9)
            }
        }
        svg.polyline(line, stroke: ReportColours.series[2], width: 2)
        for (index, period) in periods.enumerated() {
            svg.circle(x: line[index].0, y: line[index].1, r: 2.5, fill: ReportColours.series[2],
                       datum: .init(series: "first_purchases", key: period.label, value: String(period.firstPurchases),
                                    tooltip: "\(period.label): \(Format.count(period.firstPurchases)) first purchases"))
        }
        svg.rect(x: left, y: 8, width: 12, height: 12, fill: ReportColours.series[0])
        svg.text("active users", x: left + 16, y: 18)
        svg.rect(x: left + 110, y: 8, width: 12, height: 12, fill: ReportColours.series[2])
        svg.text("first purchases", x: left + 126, y: 18)
        return svg.render()
    }

    /// Lifecycle per period: new, returning and resurrecting above the axis, dormant below.
    static func lifecycle(_ report: ActivityReport) -> String {
        let width = 820.0, height = 320.0, left = 64.0, right = 20.0, top = 30.0, bottom = 30.0
        var svg = SVG(id: "lifecycle", width: width, height: height, title: "Lifecycle states per \(report.options.period.rawValue)")
        let periods = report.periods
        let up = Double(max(1, periods.map { $0.newUsers + $0.returningUsers + $0.resurrectingUsers }.max() ?? 1))
        let down = Double(max(1, periods.map(\.dormantUsers).max() ?? 1))
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let zero = top + plotHeight * up / (up + down)
        let unit = plotHeight / (up + down)
        let slot = plotWidth / Double(max(1, periods.count))
        svg.line(x1: left, y1: zero, x2: left + plotWidth, y2: zero, stroke: "#333")
        svg.text(Format.count(Int(up)), x: left - 6, y: top + 4, anchor: "end", size: 10)
        svg.text("0", x: left - 6, y: zero + 4, anchor: "end", size: 10)
        svg.text("-" + Format.count(Int(down)), x: left - 6, y: top + plotHeight + 4, anchor: "end", size: 10)
        for (index, period) in periods.enumerated() {
            let x = left + slot * Double(index) + slot * 0.15
            var base = zero
            for (state, count) in [("new", period.newUsers), ("returning", period.returningUsers), ("resurrecting", period.resurrectingUsers)] {
                let h = unit * Double(count)
                svg.rect(x: x, y: base - h, width: slot * 0.7, height: h, fill: ReportColours.lifecycle[state] ?? "#999",
                         datum: .init(series: state, key: period.label, value: String(count), tooltip: "\(period.label): \(Format.count(count)) \(state)"))
                base -= h
            }
            svg.rect(x: x, y: zero, width: slot * 0.7, height: unit * Double(period.dormantUsers), fill: ReportColours.lifecycle["dormant"] ?? "#999",
                     datum: .init(series: "dormant", key: period.label, value: String(period.dormantUsers),
                                  tooltip: "\(period.label): \(Format.count(period.dormantUsers)) dormant"))
        }
        var legend = left
        for state in ["new", "returning", "resurrecting", "dormant"] {
            svg.rect(x: legend, y: 8, width: 12, height: 12, fill: ReportColours.lifecycle[state] ?? "#999")
            svg.text(state, x: legend + 16, y: 18)
            legend += 110
        }
        return svg.render()
    }
}
