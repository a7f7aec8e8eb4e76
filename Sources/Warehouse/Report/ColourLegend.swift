import Foundation

/// The colour scale of a heatmap: values from 0 to the top of an `AxisScale` map to white ...
/// dark blue, and a legend bar under the title says which colour is which value, with labels
/// at the scale's ticks.
struct ColourScale {
    let axis: AxisScale
    let format: TickFormat
    /// Whether values above the axis's top occur (drawn in the darkest colour; the last label
    /// then reads "≥ top").
    let clipsAbove: Bool

    /// A scale for values up to `largest` (the largest value that should not be clipped).
    init(largest: Double, format: TickFormat, clipsAbove: Bool = false) {
        axis = AxisScale(covering: 0, max(largest, 0), maxTicks: 6)
        self.format = format
        self.clipsAbove = clipsAbove
    }

    /// 0 ... 1 for the colour ramp.
    func level(_ value: Double) -> Double {
        min(1, max(0, axis.fraction(value)))
    }

    func colour(_ value: Double) -> String {
        ReportColours.blue(level(value))
    }

    /// Text on a cell of this colour.
    func textColour(_ value: Double) -> String {
        level(value) > 0.5 ? "#fff" : "#222"
    }
}

extension SVG {
    /// The legend bar of `scale`: 20 boxes from the lightest to the darkest colour, 200 px
    /// wide, labels at the axis ticks underneath. Needs 34 px of height from `y`.
    mutating func colourLegend(_ scale: ColourScale, x: Double, y: Double, title: String) {
        let width = 200.0, boxes = 20
        text(title, x: x, y: y + 9, size: 10, fill: "#555")
        let barTop = y + 13
        for index in 0..<boxes {
            let value = scale.axis.upper * (Double(index) + 0.5) / Double(boxes)
            rect(x: x + width * Double(index) / Double(boxes), y: barTop, width: width / Double(boxes) + 0.5, height: 8,
                 fill: scale.colour(value), extra: " data-legend=\"colour\"")
        }
        rect(x: x, y: barTop, width: width, height: 8, fill: "none", extra: " stroke=\"#999\"")
        for (index, tick) in scale.axis.ticks.enumerated() {
            let tx = x + width * scale.axis.fraction(tick)
            let last = index == scale.axis.ticks.count - 1
            let label = (last && scale.clipsAbove ? "≥ " : "") + scale.format.text(tick, scale: scale.axis)
            line(x1: tx, y1: barTop + 8, x2: tx, y2: barTop + 11, stroke: "#555")
            text(label, x: tx, y: barTop + 20, anchor: index == 0 ? "start" : (last ? "end" : "middle"), size: 9,
                 extra: SVG.tickAttributes("colour", tick))
        }
    }
}
