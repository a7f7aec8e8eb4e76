import SQLiteStore

/// What customer analytics left out, for the footnote: orders of no known customer, and
/// adjustments and write-offs of known ones, before as-of.
public struct Exclusions: Sendable, Equatable {
    public var guestOrders = 0
    public var guestAmountMicros: Int64 = 0
    public var adjustments = 0
    public var writeOffs = 0
    /// The smallest and largest currency code of all orders (they differ when amounts mix currencies).
    public var currencies: (min: String, max: String)? = nil

    public static func == (a: Exclusions, b: Exclusions) -> Bool {
        a.guestOrders == b.guestOrders && a.guestAmountMicros == b.guestAmountMicros && a.adjustments == b.adjustments
            && a.writeOffs == b.writeOffs && a.currencies?.min == b.currencies?.min && a.currencies?.max == b.currencies?.max
    }

    /// The footnote lines.
    public var notes: [String] {
        var parts = ["\(Format.count(guestOrders)) guest orders (net \(ExactDecimal.format(guestAmountMicros))) are left out"]
        if adjustments > 0 { parts.append("\(Format.count(adjustments)) adjustments") }
        if writeOffs > 0 { parts.append("\(Format.count(writeOffs)) write-offs") }
        var lines = [parts.joined(separator: "; ") + "."]
        if let currencies, currencies.min != currencies.max {
            lines.append("Amounts mix currencies (\(currencies.min) ... \(currencies.max)) and are added as they are.")
        }
        return lines
    }
}

extension Warehouse {
    /// The orders customer analytics leave out in `scope`.
    func exclusions(_ scope: ResolvedScope, since: Int64? = nil) throws -> Exclusions {
        var parameters = scope.parameters
        parameters.set(instant: ":since", since)
        var result = Exclusions()
        for row in try NamedQuery("excluded_orders").rows(in: db, parameters) {
            switch row.text("reason") {
            case "guest":
                result.guestOrders = Int(row.int("orders"))
                result.guestAmountMicros = row.int("amount_micros")
            case "adjustment": result.adjustments = Int(row.int("orders"))
            case "write_off": result.writeOffs = Int(row.int("orders"))
            case "currencies":
                if let low = row["orders"].string, let high = row["amount_micros"].string { result.currencies = (low, high) }
            default: break
            }
        }
        return result
    }
}
