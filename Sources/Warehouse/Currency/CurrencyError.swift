/// How many orders one currency has (in the warehouse, or in a question's scope).
public struct CurrencyCount: Sendable, Equatable {
    /// ISO 4217 code, as stored in `orders.currency`.
    public let currency: String
    public let orders: Int

    public init(currency: String, orders: Int) {
        self.currency = currency
        self.orders = orders
    }
}

/// Why a question or a model that adds up money could not run: amounts of different currencies
/// are never added together. Messages list what is there and say what to pass.
public enum CurrencyError: Error, Equatable, CustomStringConvertible {
    /// `--currency` is not an ISO 4217 code in use.
    case notACode(String)
    /// `--currency` names a currency no order has.
    case absent(String, present: [CurrencyCount])
    /// The orders in scope are in several currencies and none was chosen.
    case several([CurrencyCount])

    public var description: String {
        switch self {
        case .notACode(let text):
            return CurrencyCode.refusal(text, source: "--currency")
        case .absent(let code, let present):
            return present.isEmpty ? "--currency \(code): the warehouse holds no orders"
                : "--currency \(code): no order is in \(code); the orders are in \(Self.listing(present))"
        case .several(let counts):
            return "the orders in scope are in \(counts.count) currencies, \(Self.listing(counts)), and amounts of "
                + "different currencies are never added together: pass "
                + counts.map { "--currency \($0.currency)" }.joined(separator: " or ")
        }
    }

    /// "GBP (22,190 orders), USD (6,919 orders)".
    static func listing(_ counts: [CurrencyCount]) -> String {
        counts.map { "\($0.currency) (\(Format.count($0.orders)) \($0.orders == 1 ? "order" : "orders"))" }.joined(separator: ", ")
    }
}
