/// Pictures for a terminal: the retention triangle as a heatmap (ANSI 256-colour backgrounds, or
/// shading characters without colour), and small bar charts of the retention curve and activity.
public enum TerminalCharts {
    /// Blues from pale to dark (xterm 256-colour codes).
    static let palette = [255, 254, 153, 117, 111, 75, 69, 33, 27, 25, 19, 18, 17]
    static let shades = [" ", "░", "▒", "▓", "█"]
    static let eighths = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The triangle with every share cell shaded by its value (k = 0 is 100% by definition and
    /// shown darkest; the scale runs to the largest share at k >= 1 so later months stay readable).
    /// Given a terminal `width`, a triangle wider than it shows whole percentages (`37%`), and
    /// when that is still too wide, the offsets that fit, with a note naming those left out.
    public static func heatmap(_ triangle: RetentionTriangle, colour: Bool, width: Int? = nil) -> String {
        var table = triangle.triangleTable()
        var labels = table.columns.map(\.label)
        var texts = table.displayRows
        let scale = max(0.0001, triangle.cohorts.flatMap { $0.cells.filter { $0.k > 0 }.compactMap(\.share) }.max() ?? 1)
        let firstShareColumn = table.columns.count - (triangle.maxOffset + 1)
        func widths() -> [Int] {
            var widths = labels.map(\.count)
            for row in texts {
                for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count + (colour ? 0 : 2)) }
            }
            return widths
        }
        func total(_ widths: [Int]) -> Int { widths.reduce(0, +) + max(0, widths.count - 1) }
        if let width, total(widths()) > width {
            texts = zip(texts, triangle.cohorts).map { row, cohort in
                row.enumerated().map { index, text in
                    guard index >= firstShareColumn, let cell = cohort.cells.first(where: { $0.k == index - firstShareColumn }) else { return text }
                    return Format.percent(cell.share, decimals: 0) + (cell.complete ? "" : "*")
                }
            }
            var shown = labels.count
            while shown > firstShareColumn + 1, total(Array(widths().prefix(shown))) > width { shown -= 1 }
            if shown < labels.count {
                table.notes.append("\(labels[shown])…\(labels[labels.count - 1]) not shown in \(width) columns: "
                                   + "use --max-offset, a wider terminal, or --format csv.")
                labels = Array(labels.prefix(shown))
                texts = texts.map { Array($0.prefix(shown)) }
            }
        }
        let widths = widths()
        func pad(_ text: String, _ width: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return right ? fill + text : text + fill
        }
        var lines = [labels.enumerated().map { pad($1, widths[$0], right: $0 > 0) }.joined(separator: " ")]
        lines.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: " "))
        for (rowIndex, row) in texts.enumerated() {
            let cohort = triangle.cohorts[rowIndex]
            var cells: [String] = []
            for (index, text) in row.enumerated() {
                guard index >= firstShareColumn, let cell = cohort.cells.first(where: { $0.k == index - firstShareColumn }),
                      let share = cell.share else {
                    cells.append(pad(text, widths[index], right: index > 0))
                    continue
                }
                let level = min(1, max(0, share / scale))
                if colour {
                    let code = palette[Int((level * Double(palette.count - 1)).rounded())]
                    let foreground = level > 0.45 ? 15 : 16
                    cells.append("\u{1B}[48;5;\(code)m\u{1B}[38;5;\(foreground)m" + pad(text, widths[index], right: true) + "\u{1B}[0m")
                } else {
                    let shade = shades[Int((level * Double(shades.count - 1)).rounded())]
                    cells.append(pad(shade + " " + text, widths[index], right: true))
                }
            }
            lines.append(cells.joined(separator: " "))
        }
        return (lines + table.notes).joined(separator: "\n")
    }

    /// The weighted retention curve as a column chart, one column per offset.
    public static func curve(_ triangle: RetentionTriangle, height: Int = 8, maxColumns: Int = 60) -> String {
        let points = triangle.curve.prefix(maxColumns).map { (label: "\($0.k)", value: $0.weighted ?? 0) }
        return "Retention curve (weighted by cohort size):\n" + columns(points, height: height, percent: true)
    }

    /// Active users per period as a column chart.
    public static func activity(_ report: ActivityReport, height: Int = 8, maxColumns: Int = 60) -> String {
        let points = report.periods.suffix(maxColumns).map { (label: String($0.label.suffix(2)), value: Double($0.activeUsers)) }
        return "Active users per \(report.options.period.rawValue):\n" + columns(points, height: height, percent: false)
    }

    /// A column chart: the top value on the first line, columns of eighth blocks, labels below.
    static func columns(_ points: [(label: String, value: Double)], height: Int, percent: Bool) -> String {
        let top = max(points.map(\.value).max() ?? 0, percent ? 0.0001 : 1)
        let width = max(3, (points.map(\.label.count).max() ?? 1) + 1)
        let topText = percent ? Format.percent(top) : Format.count(Int(top.rounded()))
        let axis = max(topText.count, 2)
        var lines: [String] = []
        for line in 0..<height {
            let floor = Double(height - line - 1)
            var text = line == 0 ? String(repeating: " ", count: axis - topText.count) + topText : String(repeating: " ", count: axis)
            text += " │"
            for point in points {
                let filled = point.value / top * Double(height)
                let part = max(0, min(1, filled - floor))
                let block = eighths[Int((part * 8).rounded())]
                text += String(repeating: " ", count: width - 2) + block + block
            }
            lines.append(text)
        }
        lines.append(String(repeating: " ", count: axis - 1) + "0 └" + String(repeating: "─", count: width * points.count))
        lines.append(String(repeating: " ", count: axis + 2) + points.map { String(repeating: " ", count: max(0, width - $0.label.count)) + $0.label }.joined())
        return lines.joined(separator: "\n")
    }
}
