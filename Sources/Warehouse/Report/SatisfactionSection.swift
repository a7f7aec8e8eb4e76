import Foundation
import Learning

/// The report's satisfaction section (issue 17): the distribution of every customer's score S
/// at the report's as-of, and its relation to churn — customers scored one horizon earlier, by
/// tenth of S, against the share who then bought nothing within the horizon. Computed with the
/// warehouse's `satisfaction` model (production, else the latest); absent without one.
public struct SatisfactionReportSection: Sendable, Equatable {
    public struct Bin: Sendable, Equatable {
        public let lower: Double
        public let upper: Double
        public let customers: Int
        /// Of `churnCustomers` scored at `churnAsOf` in this bin, how many bought nothing in the horizon.
        public let churnCustomers: Int
        public let churned: Int
    }

    public let reference: String
    public let trainingAsOf: Int64
    public let asOf: Int64
    public let customers: Int
    public let churnAsOf: Int64
    public let horizonDays: Int
    public let bins: [Bin]

    /// The bins as a table.
    public var table: Table {
        Table(columns: ["S", "customers", Column("scored \(CalendarDate.day(churnAsOf))", key: "scored_earlier"),
                        Column("no purchase in \(horizonDays) days", key: "churn_rate")],
              rows: bins.map { bin in
                  [.text("\(Format.fixed(bin.lower, decimals: 1))–\(Format.fixed(bin.upper, decimals: 1))"), .count(bin.customers),
                   .count(bin.churnCustomers), bin.churnCustomers == 0 ? .null : .share(Double(bin.churned) / Double(bin.churnCustomers))]
              },
              notes: ["\(Format.count(customers)) customers scored by \(reference) (weights fitted on facts before \(CalendarDate.day(trainingAsOf))) as of \(CalendarDate.day(asOf)); S is the probability of a purchase in the next period, built period by period from purchases, interactions, review scores, returns and its previous value (docs/satisfaction.md). The churn column scores the customers as of \(CalendarDate.day(churnAsOf)) and counts those who then bought nothing before \(CalendarDate.day(asOf))."])
    }
}

extension ChurnEngine {
    /// The satisfaction section as of `asOf`, with churn over `horizonDays` before it; nil when
    /// no satisfaction model has been trained.
    public func satisfactionReportSection(asOf: Int64, horizonDays: Int = 90) throws -> SatisfactionReportSection? {
        guard try listModels().contains(where: { $0.name == Warehouse.satisfactionModelName }) else { return nil }
        let stored = try satisfactionModel(try snapshot(Warehouse.satisfactionModelName, at: nil))
        let now = try scoreSatisfaction(stored, asOf: asOf)
        let churnAsOf = asOf - Int64(horizonDays) * 86_400
        let earlier = try scoreSatisfaction(stored, asOf: churnAsOf)
        let buyers = try purchasers(from: churnAsOf, to: asOf)
        var counts = [Int](repeating: 0, count: 10), scored = counts, churned = counts
        for s in now.scores { counts[min(Int(s.score * 10), 9)] += 1 }
        for s in earlier.scores {
            let bin = min(Int(s.score * 10), 9)
            scored[bin] += 1
            if !buyers.contains(s.userID) { churned[bin] += 1 }
        }
        return SatisfactionReportSection(
            reference: stored.snapshot.reference, trainingAsOf: stored.snapshot.trainingAsOf, asOf: asOf, customers: now.scores.count,
            churnAsOf: churnAsOf, horizonDays: horizonDays,
            bins: (0..<10).map { .init(lower: Double($0) / 10, upper: Double($0 + 1) / 10, customers: counts[$0],
                                       churnCustomers: scored[$0], churned: churned[$0]) })
    }

    /// `html` (a whole report page) with the satisfaction section as of `asOf` before its end,
    /// unchanged without a satisfaction model: the report's one hook for this section.
    func withSatisfactionSection(_ html: String, asOf: Int64) throws -> String {
        guard let section = try satisfactionReportSection(asOf: asOf), let end = html.range(of: "</body>", options: .backwards) else { return html }
        return html.replacingCharacters(in: end, with: SatisfactionCharts.html(section) + "</body>")
    }
}

/// The satisfaction section's HTML: customers by S, and the churn rate by S one horizon earlier.
enum SatisfactionCharts {
    static func html(_ section: SatisfactionReportSection) -> String {
        var out = "<section>\n<h2>\(SVG.escape("Satisfaction (\(section.reference))"))</h2>\n"
        out += bars(id: "satisfaction-distribution", title: "Customers by satisfaction score",
                    values: section.bins.map { Double($0.customers) }, format: .number, label: { Format.count(Int($0)) },
                    axis: "customers", caption: "satisfaction S at \(CalendarDate.day(section.asOf)), in tenths", colour: ReportColours.series[0]) + "\n"
        out += bars(id: "satisfaction-churn", title: "Churn rate by satisfaction score one horizon earlier",
                    values: section.bins.map { $0.churnCustomers == 0 ? nil : Double($0.churned) / Double($0.churnCustomers) },
                    format: .percent, label: { Format.percent($0, decimals: 0) }, axis: "no purchase in \(section.horizonDays) days",
                    caption: "S at \(CalendarDate.day(section.churnAsOf)): share with no purchase in the next \(section.horizonDays) days",
                    colour: ReportColours.series[3]) + "\n"
        let table = section.table
        out += HTMLReport.htmlTable(table)
        for note in table.notes { out += "<p class=\"note\">\(SVG.escape(note))</p>\n" }
        return out + "</section>\n"
    }

    /// Ten bars, one per tenth of S, on a value axis by the report's tick rule; a bin with no
    /// value (nobody scored there) has no bar and says so.
    private static func bars(id: String, title: String, values: [Double?], format: TickFormat, label: (Double) -> String,
                             axis: String, caption: String, colour: String) -> String {
        let width = 820.0
        let plot = PlotArea(left: 64, top: 28, width: 736, height: 170)
        var svg = SVG(id: id, width: width, height: plot.bottom + 50, title: title)
        let scale = AxisScale(covering: 0, values.compactMap { $0 }.max() ?? 0, integer: format == .number)
        svg.yAxis(scale, plot: plot, format: format, title: axis)
        let slot = plot.width / Double(max(values.count, 1))
        for (index, value) in values.enumerated() {
            let key = "\(Format.fixed(Double(index) / 10, decimals: 1))–\(Format.fixed(Double(index + 1) / 10, decimals: 1))"
            let x = plot.left + slot * Double(index)
            if let value {
                let y = plot.y(value, on: scale)
                svg.rect(x: x + slot * 0.1, y: y, width: slot * 0.8, height: plot.bottom - y, fill: colour,
                         datum: .init(series: id, key: key, value: String(value), tooltip: "S \(key): \(label(value))"))
                svg.text(label(value), x: x + slot / 2, y: y - 4, anchor: "middle", size: 9)
            } else {
                svg.text("none scored", x: x + slot / 2, y: plot.bottom - 4, anchor: "middle", size: 9, fill: "#888")
            }
            svg.text(key, x: x + slot / 2, y: plot.bottom + 14, anchor: "middle", size: 9)
        }
        svg.text(caption, x: plot.left + plot.width / 2, y: plot.bottom + 40, anchor: "middle", size: 11)
        return svg.render()
    }
}
