import SQLiteStore

/// What customer analytics left out, for the footnote: orders of no known customer, and
/// adjustments and write-offs of known ones, before as-of.
public struct Exclusions: Sendable, Equatable {
    public var guestOrders = 0
    public var guestAmountMicros: Int64 = 0
    public var adjustments = 0
    public var writeOffs = 0

    /// The footnote lines.
    public var notes: [String] {
        var parts = ["\(Format.count(guestOrders)) guest orders (net \(ExactDecimal.format(guestAmountMicros))) are left out"]
        if adjustments > 0 { parts.append("\(Format.count(adjustments)) adjustments") }
        if writeOffs > 0 { parts.append("\(Format.count(writeOffs)) write-offs") }
        return [parts.joined(separator: "; ") + "."]
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
            default: break
            }
        }
        return result
    }
}
