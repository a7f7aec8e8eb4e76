/// Exact parsing of decimal text into integer micro-units (1.000000 = 1_000_000), so money
/// never passes through floating point.
public enum ExactDecimal {
    /// Micro-units per unit.
    public static let scale: Int64 = 1_000_000
    /// Digits kept after the decimal point.
    public static let fractionDigits = 6

    /// Why a decimal was refused.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case empty, notANumber, tooManyDecimals, outOfRange
        public var description: String {
            switch self {
            case .empty: return "is empty"
            case .notANumber: return "is not a decimal number"
            case .tooManyDecimals: return "has more than \(ExactDecimal.fractionDigits) decimal places"
            case .outOfRange: return "is out of range"
            }
        }
    }

    /// Parses `[+-]digits[.digits]` (surrounding blanks allowed) into micro-units. Extra
    /// decimals are accepted only when they are zeros, so nothing is rounded.
    public static func micros(_ bytes: UnsafeRawBufferPointer) -> Result<Int64, Failure> {
        var i = 0
        var n = bytes.count
        while i < n && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        while n > i && (bytes[n - 1] == 0x20 || bytes[n - 1] == 0x09) { n -= 1 }
        guard i < n else { return .failure(.empty) }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var whole: Int64 = 0
        var digits = 0
        while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            let (times10, o1) = whole.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(bytes[i] - 0x30))
            guard !o1, !o2 else { return .failure(.outOfRange) }
            whole = sum
            digits += 1
            i += 1
        }
        var fraction: Int64 = 0
        var fractionCount = 0
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if fractionCount < fractionDigits {
                    fraction = fraction * 10 + Int64(bytes[i] - 0x30)
                } else if bytes[i] != 0x30 {
                    return .failure(.tooManyDecimals)
                }
                fractionCount += 1
                digits += 1
                i += 1
            }
        }
        guard i == n, digits > 0 else { return .failure(.notANumber) }
        for _ in min(fractionCount, fractionDigits)..<fractionDigits { fraction *= 10 }
        let (scaled, o1) = whole.multipliedReportingOverflow(by: scale)
        let (value, o2) = scaled.addingReportingOverflow(fraction)
        guard !o1, !o2 else { return .failure(.outOfRange) }
        return .success(negative ? -value : value)
    }

    /// Parses an integer, also accepting a zero fraction (`13085.0`, as spreadsheet exports write ids).
    public static func integer(_ bytes: UnsafeRawBufferPointer) -> Result<Int64, Failure> {
        switch micros(bytes) {
        case .failure(let failure): return .failure(failure)
        case .success(let value):
            guard value % scale == 0 else { return .failure(.notANumber) }
            return .success(value / scale)
        }
    }

    /// Formats micro-units as exact decimal text with at least two decimals ("-11062.06", "0.001").
    public static func format(_ micros: Int64) -> String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(scale)
        var fraction = String(magnitude % UInt64(scale))
        fraction = String(repeating: "0", count: fractionDigits - fraction.count) + fraction
        while fraction.count > 2 && fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(whole).\(fraction)"
    }
}
