import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Warehouse

/// Every element of each SVG of a page, with its attributes and text, read with XMLParser: what
/// the chart tests check ticks, labels, marks and sizes on.
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
        var text: String

        func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
    }

    private(set) var elements: [Element] = []
    private var open: [Int] = []

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes, text: ""))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let last = open.last { elements[last].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        _ = open.popLast()
    }

    var root: Element? { elements.first }

    /// Tick values of one axis ("x", "y" or "colour"), in drawing order.
    func ticks(_ axis: String) -> [Double] {
        elements.filter { $0.attributes["data-axis"] == axis }.compactMap { $0.number("data-tick") }
    }

    /// Data marks of one series: key -> element.
    func marks(_ series: String) -> [String: Element] {
        var result: [String: Element] = [:]
        for element in elements where element.attributes["data-series"] == series {
            if let key = element.attributes["data-key"] { result[key] = element }
        }
        return result
    }

    /// Each `<svg>` of `html` by its id.
    static func parse(_ html: String) -> [String: SVGElements] {
        var result: [String: SVGElements] = [:]
        var rest = html[...]
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let elements = SVGElements()
            let parser = XMLParser(data: Data(rest[start.lowerBound..<end.upperBound].utf8))
            parser.delegate = elements
            if parser.parse(), let id = elements.root?.attributes["id"] { result[id] = elements }
            rest = rest[end.upperBound...]
        }
        return result
    }
}

/// What the one tick rule promises of a list of ticks: equal steps of 1, 2 or 5 times a power of
/// ten, zero among them, and nothing of `data` outside them. Returns what is wrong, nil if nothing.
func tickRuleViolation(_ ticks: [Double], covering data: [Double] = []) -> String? {
    guard ticks.count >= 2 else { return "fewer than two ticks: \(ticks)" }
    let step = ticks[1] - ticks[0]
    let exponent = (log10(step)).rounded(.down)
    let mantissa = step / pow(10, exponent)
    // 1e-9: the ticks are decimals written and read back as text.
    guard [1.0, 2, 5, 10].contains(where: { abs(mantissa - $0) < 1e-9 }) else { return "step \(step) is not 1, 2 or 5 × 10^k" }
    for (a, b) in zip(ticks, ticks.dropFirst()) where abs((b - a) - step) > 1e-9 * step {
        return "unequal steps in \(ticks)"
    }
    guard ticks.contains(where: { abs($0) < 1e-12 }) else { return "no zero among \(ticks)" }
    if let low = data.min(), low < ticks[0] - 1e-9 { return "\(low) is below the first tick of \(ticks)" }
    if let high = data.max(), let last = ticks.last, high > last + 1e-9 { return "\(high) is above the last tick of \(ticks)" }
    return nil
}
