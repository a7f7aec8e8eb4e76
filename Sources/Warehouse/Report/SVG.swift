import Foundation

/// A small SVG builder: elements as text, every number written with a fixed precision, every
/// text escaped, so the output is well-formed XML. Data marks carry `data-key` and `data-value`
/// attributes holding the numbers they draw, so a test can read them back.
struct SVG {
    let id: String
    let width: Double
    let height: Double
    let title: String
    private var body: [String] = []

    init(id: String, width: Double, height: Double, title: String) {
        self.id = id
        self.width = width
        self.height = height
        self.title = title
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(format: "%.2f", rounded)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `data-key` / `data-value` attributes (and a tooltip) for a data mark.
    struct Datum {
        let series: String
        let key: String
        let value: String
        let tooltip: String
        var attributes: String {
            " data-series=\"\(SVG.escape(series))\" data-key=\"\(SVG.escape(key))\" data-value=\"\(SVG.escape(value))\""
        }
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, datum: Datum? = nil, extra: String = "") {
        let tooltip = datum.map { "<title>\(SVG.escape($0.tooltip))</title>" } ?? ""
        let open = "<rect x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" width=\"\(SVG.number(max(0, width)))\" height=\"\(SVG.number(max(0, height)))\" fill=\"\(fill)\"\(datum?.attributes ?? "")\(extra)"
        body.append(tooltip.isEmpty ? open + "/>" : open + ">" + tooltip + "</rect>")
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double = 11, fill: String = "#333",
                       weight: String = "normal", datum: Datum? = nil, extra: String = "") {
        body.append("<text x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" text-anchor=\"\(anchor)\" font-size=\"\(SVG.number(size))\" fill=\"\(fill)\" font-weight=\"\(weight)\"\(datum?.attributes ?? "")\(extra)>\(SVG.escape(content))</text>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#999", width: Double = 1, dash: String? = nil) {
        let dashed = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body.append("<line x1=\"\(SVG.number(x1))\" y1=\"\(SVG.number(y1))\" x2=\"\(SVG.number(x2))\" y2=\"\(SVG.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(SVG.number(width))\"\(dashed)/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, opacity: Double = 1, dash: String? = nil) {
        guard !points.isEmpty else { return }
        let list = points.map { "\(SVG.number($0.0)),\(SVG.number($0.1))" }.joined(separator: " ")
        let dashed = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body.append("<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(SVG.number(width))\" stroke-opacity=\"\(SVG.number(opacity))\"\(dashed)/>")
    }

    mutating func circle(x: Double, y: Double, r: Double, fill: String, datum: Datum? = nil, extra: String = "") {
        let tooltip = datum.map { "<title>\(SVG.escape($0.tooltip))</title>" } ?? ""
        body.append("<circle cx=\"\(SVG.number(x))\" cy=\"\(SVG.number(y))\" r=\"\(SVG.number(r))\" fill=\"\(fill)\"\(datum?.attributes ?? "")\(extra)>\(tooltip)</circle>")
    }

    func render() -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(SVG.escape(id))\" role=\"img\" aria-label=\"\(SVG.escape(title))\" width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" viewBox=\"0 0 \(SVG.number(width)) \(SVG.number(height))\" font-family=\"Helvetica, Arial, sans-serif\">"
            + "<title>\(SVG.escape(title))</title>" + body.joined() + "</svg>"
    }
}

/// Colour scales of the report.
enum ReportColours {
    /// White to dark blue, for shares 0...1.
    static func blue(_ level: Double) -> String {
        let t = min(1, max(0, level))
        let from = (247.0, 251.0, 255.0), to = (8.0, 48.0, 107.0)
        func channel(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        return String(format: "#%02x%02x%02x", channel(from.0, to.0), channel(from.1, to.1), channel(from.2, to.2))
    }

    static let series = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    static let lifecycle = ["new": "#2ca02c", "returning": "#1f77b4", "resurrecting": "#9467bd", "dormant": "#d62728"]
}
