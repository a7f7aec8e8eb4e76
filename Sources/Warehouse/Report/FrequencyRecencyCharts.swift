import Foundation

/// The two frequency/recency matrices of a BG/NBD model as heatmaps with a colour scale:
/// expected purchases in the next period, and P(alive).
enum FrequencyRecencyCharts {
    static func expectedPurchases(_ diagnostics: LifetimeDiagnostics) -> String {
        let matrix = diagnostics.matrix
        let largest = matrix.cells.flatMap { $0.compactMap { $0?.expectedPurchases } }.max() ?? 1
        return render(matrix, observationEnd: diagnostics.observationEnd, id: "clv-expected-matrix", series: "expected_purchases",
                      title: "Expected purchases in the next \(matrix.period.rawValue) by frequency and recency",
                      legend: "expected purchases in the next \(matrix.period.rawValue)",
                      scale: ColourScale(largest: largest, format: .number)) { $0.expectedPurchases }
    }

    static func probabilityAlive(_ diagnostics: LifetimeDiagnostics) -> String {
        render(diagnostics.matrix, observationEnd: diagnostics.observationEnd, id: "clv-alive-matrix", series: "probability_alive",
               title: "P(alive) by frequency and recency", legend: "P(alive)",
               scale: ColourScale(largest: 1, format: .number)) { $0.probabilityAlive }
    }

    private static func render(_ matrix: FrequencyRecencyMatrix, observationEnd: Int64, id: String, series: String, title: String, legend: String,
                               scale: ColourScale, value: (FrequencyRecencyMatrix.Cell) -> Double) -> String {
        let cell = 36.0, rowHeight = 20.0, left = 64.0, top = 92.0
        let columns = Double(matrix.recencies.count), rows = Double(matrix.frequencies.count)
        var svg = SVG(id: id, width: max(820, left + cell * columns + 20), height: top + rowHeight * rows + 40, title: title)
        svg.colourLegend(scale, x: 8, y: 2, title: legend)
        let decimals = scale.axis.decimals + 1
        let unit = matrix.period.rawValue + "s"
        svg.text("rows: repeat purchases x · columns: recency tₓ, \(unit) from the first purchase to the last", x: 8, y: top - 42, size: 10,
                 weight: "bold")
        svg.text("every cell for a customer whose first purchase was T = \(Format.fixed(matrix.age, decimals: 1)) \(unit) before the calibration end, \(LifetimeCalendar.date(observationEnd))",
                 x: 8, y: top - 28, size: 10)
        svg.text("x \\ tₓ", x: left - 8, y: top - 6, anchor: "end", size: 10, weight: "bold")
        for (column, recency) in matrix.recencies.enumerated() {
            svg.text(Format.fixed(recency, decimals: 0), x: left + cell * (Double(column) + 0.5), y: top - 6, anchor: "middle", size: 10)
        }
        for (row, x) in matrix.frequencies.enumerated() {
            let y = top + rowHeight * Double(row)
            svg.text(String(x), x: left - 8, y: y + 14, anchor: "end", size: 10)
            for (column, recency) in matrix.recencies.enumerated() {
                let cx = left + cell * Double(column)
                guard let item = matrix.cells[row][column] else {
                    svg.rect(x: cx + 1, y: y + 1, width: cell - 2, height: rowHeight - 2, fill: "#f3f3f3")
                    continue
                }
                let number = value(item)
                svg.rect(x: cx + 1, y: y + 1, width: cell - 2, height: rowHeight - 2, fill: scale.colour(number),
                         datum: .init(series: series, key: "x=\(x)/t=\(Format.fixed(recency, decimals: 0))", value: String(number),
                                      tooltip: "x = \(x), tₓ = \(Format.fixed(recency, decimals: 0)) \(unit): \(Format.fixed(number, decimals: 3))"))
                svg.text(Format.fixed(number, decimals: decimals), x: cx + cell / 2, y: y + 14, anchor: "middle", size: 9,
                         fill: scale.textColour(number))
            }
        }
        svg.text("grey: no customer can have these (x = 0 means tₓ = 0; x repeat purchases on different days take at least x days)",
                 x: 8, y: top + rowHeight * rows + 22, size: 10, fill: "#666")
        return svg.render()
    }
}
