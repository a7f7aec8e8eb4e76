import Foundation

/// The rectangle a chart plots in, and the axes every chart draws the same way: value axes by
/// the one tick rule (`AxisScale`), category labels thinned by the one label rule
/// (`AxisLabels`).
struct PlotArea {
    let left: Double
    let top: Double
    let width: Double
    let height: Double

    var right: Double { left + width }
    var bottom: Double { top + height }

    /// The vertical position of `value` on a value axis drawn upwards.
    func y(_ value: Double, on scale: AxisScale) -> Double {
        bottom - height * scale.fraction(value)
    }

    /// The horizontal position of `value` on a value axis drawn rightwards.
    func x(_ value: Double, on scale: AxisScale) -> Double {
        left + width * scale.fraction(value)
    }
}

/// How tick labels are written.
enum TickFormat {
    /// 1,000 (grouped digits, the decimals the step needs).
    case number
    /// Shares as 20% (the decimals the step needs).
    case percent

    func text(_ value: Double, scale: AxisScale) -> String {
        switch self {
        case .number:
            let text = String(format: "%.\(scale.decimals)f", value)
            return Grouping.digits(text == "-0" ? "0" : text)
        case .percent:
            return Format.percent(value, decimals: max(0, scale.decimals - 2))
        }
    }
}

extension SVG {
    /// A value axis on the left of `plot`: a grid line and a label at every tick, and the
    /// axis title above it.
    mutating func yAxis(_ scale: AxisScale, plot: PlotArea, format: TickFormat = .number, title: String? = nil,
                        label: ((Double) -> String)? = nil) {
        for tick in scale.ticks {
            let y = plot.y(tick, on: scale)
            line(x1: plot.left, y1: y, x2: plot.right, y2: y, stroke: tick == 0 ? "#333" : "#e5e5e5")
            text(label?(tick) ?? format.text(tick, scale: scale), x: plot.left - 6, y: y + 4, anchor: "end", size: 10,
                 extra: Self.tickAttributes("y", tick))
        }
        if let title { text(title, x: plot.left - 6, y: plot.top - 8, anchor: "start", size: 10, fill: "#555") }
    }

    /// A value axis under `plot`: a tick mark and a label at every tick, and the axis title.
    mutating func xAxis(_ scale: AxisScale, plot: PlotArea, format: TickFormat = .number, title: String? = nil) {
        line(x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, stroke: "#333")
        for tick in scale.ticks {
            let x = plot.x(tick, on: scale)
            line(x1: x, y1: plot.bottom, x2: x, y2: plot.bottom + 4, stroke: "#333")
            text(format.text(tick, scale: scale), x: x, y: plot.bottom + 15, anchor: "middle", size: 10,
                 extra: Self.tickAttributes("x", tick))
        }
        if let title { text(title, x: plot.left + plot.width / 2, y: plot.bottom + 32, anchor: "middle", size: 11) }
    }

    /// Labels of categories placed in equal slots under `plot` (periods, buckets), thinned so
    /// that none overlaps its neighbour.
    mutating func categoryLabels(_ labels: [String], plot: PlotArea, size: Double = 9, title: String? = nil) {
        guard !labels.isEmpty else { return }
        let slot = plot.width / Double(labels.count)
        let every = AxisLabels.every(count: labels.count, slot: slot, longest: labels.map(\.count).max() ?? 0, size: size)
        for (index, label) in labels.enumerated() where index % every == 0 {
            let x = plot.left + slot * (Double(index) + 0.5)
            line(x1: x, y1: plot.bottom, x2: x, y2: plot.bottom + 3, stroke: "#333")
            text(label, x: x, y: plot.bottom + 14, anchor: "middle", size: size,
                 extra: " data-axis=\"x\" data-label=\"\(index)\"")
        }
        if let title { text(title, x: plot.left + plot.width / 2, y: plot.bottom + 30, anchor: "middle", size: 11) }
    }

    /// `data-axis` and `data-tick` attributes of a tick label, so a test can read the ticks
    /// back: "1000", "0.2", "-500".
    static func tickAttributes(_ axis: String, _ value: Double) -> String {
        let tick = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return " data-axis=\"\(axis)\" data-tick=\"\(tick)\""
    }
}

/// The one rule for thinning category labels: show every n-th, n the smallest of 1, 2, 5,
/// 10, 20, 50... for which a label fits its share of the axis.
enum AxisLabels {
    /// Width of a label of `characters` at font `size` (Helvetica digits are 0.56 em; a little
    /// more for letters), plus a gap.
    static func width(characters: Int, size: Double) -> Double {
        Double(characters) * size * 0.62 + 6
    }

    static func every(count: Int, slot: Double, longest: Int, size: Double) -> Int {
        let needed = width(characters: longest, size: size)
        var magnitude = 1
        while true {
            for multiple in [1, 2, 5] where slot * Double(multiple * magnitude) >= needed || multiple * magnitude >= count {
                return multiple * magnitude
            }
            magnitude *= 10
        }
    }
}
