import Foundation

/// Number formatting shared by the tables and the report. Money is formatted from integer
/// micro-units by `ExactDecimal`, never through floating point.
public enum Format {
    /// 12345 as "12,345" (the tables' one grouping rule, `Cell`).
    public static func count(_ value: Int) -> String { Grouping.digits(String(value)) }

    /// A share as a percentage with one decimal: 0.1234 -> "12.3%".
    public static func percent(_ share: Double?, decimals: Int = 1) -> String {
        guard let share, share.isFinite else { return "" }
        return String(format: "%.\(decimals)f%%", share * 100)
    }

    /// A real with a fixed number of decimals, its integer part grouped (`12,345.6`).
    public static func fixed(_ value: Double?, decimals: Int = 1) -> String {
        guard let value, value.isFinite else { return "" }
        return Grouping.digits(String(format: "%.\(decimals)f", value))
    }

    /// Money from micro-units as tables show it (`Cell.money`): rounded half away from zero to
    /// the currency's minor units (cents when unknown) in integer arithmetic, grouped
    /// (`2,228,427.40`). Machine formats write the exact amount instead.
    public static func money(_ micros: Int64, currency: String? = nil) -> String {
        MoneyDisplay.text(micros, currency: currency)
    }
}
