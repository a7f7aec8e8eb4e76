/// One value of a result, typed, so that machine formats (csv, json, jsonl) write it exactly and
/// tables show it for people. docs/OUTPUT.md lists how each kind is written.
public enum Cell: Sendable, Equatable {
    /// A count or an id-like number: `12345` for machines, `12,345` in tables.
    case integer(Int64)
    /// Money in micro-units of `currency` (nil: unknown or none): written in full for machines
    /// (`2228427.401`), with the currency's minor units and grouped in tables (`2,228,427.40`).
    case money(micros: Int64, currency: String?)
    /// A measured real: the shortest text that reads back to the same double for machines,
    /// `decimals` decimals in tables (negative: the shortest text there too). Not finite: null.
    case real(Double, decimals: Int)
    /// A fraction (0.123): as such for machines, a percentage with one decimal in tables (`12.3%`).
    case share(Double)
    /// Text.
    case text(String)
    /// An instant in Unix seconds, written `2011-12-10T00:00:00Z` everywhere.
    case instant(Int64)
    /// A calendar date, `2011-12-10`.
    case date(String)
    /// A flag: `true`/`false` for machines, `yes`/`no` in tables.
    case bool(Bool)
    /// No value: JSON null, an empty CSV field, an empty table cell.
    case null
    /// A value with a mark shown after it in tables only (`12.3%*` for a period not over yet);
    /// machine formats write the value alone (the flag it stands for is a column of its own).
    indirect case marked(Cell, String)

    /// `value` as an integer cell.
    public static func count(_ value: Int) -> Cell { .integer(Int64(value)) }

    /// A real, or null when absent.
    public static func realOrNull(_ value: Double?, decimals: Int) -> Cell { value.map { .real($0, decimals: decimals) } ?? .null }

    /// A share, or null when absent.
    public static func shareOrNull(_ value: Double?) -> Cell { value.map { .share($0) } ?? .null }

    /// Text, or null when absent.
    public static func textOrNull(_ value: String?) -> Cell { value.map { .text($0) } ?? .null }

    /// An instant, or null when absent.
    public static func instantOrNull(_ value: Int64?) -> Cell { value.map { .instant($0) } ?? .null }

    /// Whether tables right-align it.
    var isNumber: Bool {
        switch self {
        case .integer, .money, .real, .share: return true
        case .marked(let inner, _): return inner.isNumber
        default: return false
        }
    }

    /// The mark shown after the value in tables ("" for none).
    var mark: String {
        if case .marked(_, let mark) = self { return mark }
        return ""
    }

    /// The value as JSON: numbers as numbers, money as its exact decimal.
    public var json: JSONValue {
        switch self {
        case .integer(let value): return .integer(value)
        case .money(let micros, _): return .decimal(MachineDecimal.text(micros))
        case .real(let value, _), .share(let value): return value.isFinite ? .number(value) : .null
        case .text(let text), .date(let text): return .string(text)
        case .instant(let seconds): return .string(RegistryClock.iso(seconds))
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .marked(let inner, _): return inner.json
        }
    }

    /// The value in a CSV field: as in JSON, strings without quotes, null as nothing.
    public var machineText: String {
        switch json {
        case .string(let text): return text
        case .null: return ""
        case let value: return value.displayText
        }
    }

    /// The value in a table for people, without its mark.
    public var displayText: String {
        switch self {
        case .integer(let value): return Grouping.digits(String(value))
        case .money(let micros, let currency): return MoneyDisplay.text(micros, currency: currency)
        case .real(let value, let decimals):
            guard value.isFinite else { return "" }
            return Grouping.digits(decimals < 0 ? "\(value)" : String(format: "%.\(decimals)f", value))
        case .share(let value): return value.isFinite ? String(format: "%.1f%%", value * 100) : ""
        case .text(let text), .date(let text): return text
        case .instant(let seconds): return RegistryClock.iso(seconds)
        case .bool(let flag): return flag ? "yes" : "no"
        case .null: return ""
        case .marked(let inner, _): return inner.displayText
        }
    }
}

extension Cell: ExpressibleByStringLiteral {
    /// A text cell from a literal.
    public init(stringLiteral value: String) { self = .text(value) }
}

/// The one thousands-separator rule of tables: every number's integer part is grouped by threes
/// with commas (`12,345`, `2,228,427.40`, `-1,294`); fractions are not grouped.
enum Grouping {
    /// `text` (an optional sign, digits, an optional fraction) with its integer part grouped.
    static func digits(_ text: String) -> String {
        var body = Substring(text)
        var sign = ""
        if body.first == "-" || body.first == "+" { sign = String(body.removeFirst()) }
        let point = body.firstIndex(of: ".") ?? body.endIndex
        let whole = body[..<point]
        guard whole.count > 3, whole.allSatisfy(\.isNumber) else { return text }
        var out = ""
        for (index, character) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return sign + out + body[point...]
    }
}

/// Exact decimals for machines: micro-units written in full, trailing zeros dropped
/// (`2228427.401`, `12.5`, `3`).
enum MachineDecimal {
    static func text(_ micros: Int64) -> String {
        var text = ExactDecimal.format(micros)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// Money for people: rounded half away from zero to the currency's minor units (ISO 4217:
/// two unless listed here), grouped.
enum MoneyDisplay {
    /// Currencies whose minor unit is not a hundredth (ISO 4217 list one).
    static let minorUnits: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
        "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]

    static func text(_ micros: Int64, currency: String?) -> String {
        let digits = currency.flatMap { minorUnits[$0] } ?? 2
        var unit: UInt64 = 1
        for _ in 0..<(6 - digits) { unit *= 10 }
        let rounded = (micros.magnitude + unit / 2) / unit
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let whole = String(rounded / scale)
        var fraction = String(rounded % scale)
        fraction = String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
        let sign = micros < 0 && rounded > 0 ? "-" : ""
        return sign + Grouping.digits(whole) + (digits > 0 ? "." + fraction : "")
    }
}
