import SQLiteStore

/// What customer analytics left out, for the footnote: orders of no known customer, and
/// adjustments and write-offs of known ones, before as-of.
public struct Exclusions: Sendable, Equatable {
    public var guestOrders = 0
    public var guestAmountMicros: Int64 = 0
    public var adjustments = 0
    public var writeOffs = 0
    /// The one currency read when the warehouse holds others too (their orders are left out).
    public var onlyCurrency: String?
    /// The guest orders are in several currencies (a question without money read them all), so
    /// their amounts are not added up.
    public var guestAmountsInSeveralCurrencies = false

    /// The footnote lines: "Left out: 3,710 guest orders (net 1,447,682.12), 2 adjustments.", and
    /// in a warehouse of several currencies "Only orders in GBP: those in other currencies are left out."
    public var notes: [String] {
        let currency = onlyCurrency.map { ["Only orders in \($0): those in other currencies are left out."] } ?? []
        guard guestOrders > 0 || adjustments > 0 || writeOffs > 0 else {
            return ["Left out: nothing (no guest orders, adjustments or write-offs before as-of)."] + currency
        }
        func count(_ value: Int, _ noun: String) -> String { "\(Format.count(value)) \(noun)\(value == 1 ? "" : "s")" }
        var parts: [String] = []
        if guestOrders > 0 {
            let amount = guestAmountsInSeveralCurrencies ? "in several currencies" : "net \(Format.money(guestAmountMicros, currency: onlyCurrency))"
            parts.append(count(guestOrders, "guest order") + " (\(amount))")
        }
        if adjustments > 0 { parts.append(count(adjustments, "adjustment")) }
        if writeOffs > 0 { parts.append(count(writeOffs, "write-off")) }
        return ["Left out: " + parts.joined(separator: ", ") + "."] + currency
    }
}

extension Warehouse {
    /// The orders customer analytics leave out in `scope`.
    func exclusions(_ scope: ResolvedScope, since: Int64? = nil) throws -> Exclusions {
        var parameters = scope.parameters
        parameters.set(instant: ":since", since)
        var result = Exclusions()
        result.onlyCurrency = scope.currencyFiltered ? scope.currency : nil
        result.guestAmountsInSeveralCurrencies = scope.currency == nil
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
