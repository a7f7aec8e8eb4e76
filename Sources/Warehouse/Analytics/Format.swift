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

    /// A real with a fixed number of decimals.
    public static func fixed(_ value: Double?, decimals: Int = 1) -> String {
        guard let value, value.isFinite else { return "" }
        return String(format: "%.\(decimals)f", value)
    }

    /// Money from micro-units, rounded half away from zero to cents in integer arithmetic.
    public static func money(_ micros: Int64) -> String {
        let cents = (micros.magnitude + 5_000) / 10_000
        let text = ExactDecimal.format(Int64(cents) * 10_000)
        return micros < 0 && cents > 0 ? "-" + text : text
    }
}
