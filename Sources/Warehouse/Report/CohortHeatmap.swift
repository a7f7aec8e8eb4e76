import Foundation

/// The cohort triangle as a heatmap: one cell per cohort and offset, darker for higher shares,
/// with a colour scale. It never runs off the page: when the offsets do not fit across `width`,
/// the triangle is cut into panels of whole columns stacked one under the other (k0–k22,
/// k23–k45, ...), each listing only the cohorts that reach its offsets.
struct CohortHeatmap {
    let triangle: RetentionTriangle
    /// Width of one offset's column: narrower past 16 offsets.
    let cell: Double
    let columnsPerPanel: Int
    /// The offsets of each panel.
    let panels: [ClosedRange<Int>]

    static let left = 150.0, rowHeight = 24.0, legendHeight = 40.0, headerHeight = 26.0, gap = 14.0, panelTitle = 18.0

    init(_ triangle: RetentionTriangle, width: Double) {
        self.triangle = triangle
        let offsets = triangle.maxOffset + 1
        cell = offsets > 16 ? 40 : 52
        let columns = max(1, Int((width - Self.left - 20) / cell))
        columnsPerPanel = columns
        panels = stride(from: 0, to: offsets, by: columns).map { $0...min(offsets - 1, $0 + columns - 1) }
    }

    /// The cohorts drawn in `panel`: those with a cell in its offsets.
    func cohorts(in panel: ClosedRange<Int>) -> [RetentionCohort] {
        triangle.cohorts.filter { cohort in cohort.cells.contains { panel.contains($0.k) } }
    }

    var width: Double {
        max(420, Self.left + cell * Double(min(columnsPerPanel, triangle.maxOffset + 1)) + 20)
    }

    func render() -> String {
        let rows = panels.map { cohorts(in: $0).count }.reduce(0, +)
        let height = Self.legendHeight + Double(panels.count) * (Self.headerHeight + Self.gap) + Double(panels.count - 1) * Self.panelTitle
            + Self.rowHeight * Double(rows) + 24
        var svg = SVG(id: "cohort-heatmap", width: width, height: height, title: "Cohort retention: \(triangle.metricText)")
        // The colour scale covers the shares after k0 (k0 is 100% of the users metric and would
        // wash the rest out); higher shares take the darkest colour.
        let later = triangle.cohorts.flatMap { $0.cells.filter { $0.k > 0 }.compactMap(\.share) }
        let everything = triangle.cohorts.flatMap { $0.cells.compactMap(\.share) }
        let largest = later.max() ?? everything.max() ?? 1
        let top = ColourScale(largest: largest, format: .percent).axis.upper
        let scale = ColourScale(largest: largest, format: .percent, clipsAbove: (everything.max() ?? 0) > top)
        svg.colourLegend(scale, x: 8, y: 2, title: "share of the cohort's \(triangle.options.metric == .users ? "customers" : "k0 value")")
        var y = Self.legendHeight
        for panel in panels {
            y += Self.headerHeight
            if panel.lowerBound > 0 {
                y += Self.panelTitle
                svg.text("continued: k\(panel.lowerBound)–k\(panel.upperBound), the cohorts that reach them", x: 8, y: y - 30, size: 11,
                         fill: "#555")
            }
            svg.text("cohort", x: 8, y: y - 10, weight: "bold", extra: " data-panel=\"\(panel.lowerBound)-\(panel.upperBound)\"")
            svg.text("customers", x: Self.left - 10, y: y - 10, anchor: "end", weight: "bold")
            for k in panel {
                svg.text("k\(k)", x: x(k, panel) + cell / 2, y: y - 10, anchor: "middle", size: cell < 52 ? 10 : 11, weight: "bold")
            }
            for cohort in cohorts(in: panel) {
                svg.text(cohort.label, x: 8, y: y + 16)
                svg.text(Format.count(cohort.users), x: Self.left - 10, y: y + 16, anchor: "end",
                         datum: .init(series: "cohort_users", key: cohort.label, value: String(cohort.users), tooltip: ""))
                for item in cohort.cells where panel.contains(item.k) {
                    let share = item.share ?? 0
                    let cx = x(item.k, panel)
                    svg.rect(x: cx + 1, y: y + 1, width: cell - 2, height: Self.rowHeight - 2, fill: scale.colour(share),
                             datum: .init(series: "value", key: "\(cohort.label)/k\(item.k)", value: String(item.value),
                                          tooltip: "\(cohort.label), k = \(item.k): \(Format.percent(item.share))\(item.complete ? "" : " (incomplete)")"),
                             extra: item.complete ? "" : " stroke=\"#d62728\" stroke-dasharray=\"3 2\"")
                    svg.text(Format.percent(item.share) + (item.complete ? "" : "*"), x: cx + cell / 2, y: y + 16, anchor: "middle",
                             size: cell < 52 ? 9 : 10, fill: scale.textColour(share))
                }
                y += Self.rowHeight
            }
            y += Self.gap
        }
        svg.text("* incomplete: the period cohort+k is not over at as-of (dashed red border)", x: 8, y: y + 8, size: 10, fill: "#666")
        return svg.render()
    }

    private func x(_ k: Int, _ panel: ClosedRange<Int>) -> Double {
        Self.left + cell * Double(k - panel.lowerBound)
    }
}
