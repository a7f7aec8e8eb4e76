import Foundation

/// What `lifecycle rfm` is asked: the scope, fixed bins instead of quintiles, a segment map.
public struct RFMOptions: Sendable, Equatable {
    public var scope: AnalyticsScope
    /// Fixed thresholds per measure; a measure without them is scored by quintiles (NTILE(5)).
    public var bins: RFMBins
    /// Segment names for the R and F scores; `nil`: the standard grid (`rfm_segment_map`).
    public var segmentMap: RFMSegmentMap?

    public init(scope: AnalyticsScope = AnalyticsScope(), bins: RFMBins = RFMBins(), segmentMap: RFMSegmentMap? = nil) {
        self.scope = scope
        self.bins = bins
        self.segmentMap = segmentMap
    }
}

/// The three RFM measures.
public enum RFMMeasure: String, Sendable, CaseIterable {
    case recency = "R", frequency = "F", monetary = "M"

    /// How the measure's values read.
    public var unit: String {
        switch self {
        case .recency: return "days since the last purchase"
        case .frequency: return "purchase orders"
        case .monetary: return "net revenue"
        }
    }
}

/// Fixed score thresholds: four ascending values per measure. Recency: up to the 1st -> R 5, ...,
/// over the 4th -> R 1. Frequency and monetary: up to the 1st -> 1, ..., over the 4th -> 5.
public struct RFMBins: Sendable, Equatable {
    public var recencyDays: [Int64]?
    public var frequency: [Int64]?
    /// In micro-units of the currency.
    public var monetaryMicros: [Int64]?

    public init(recencyDays: [Int64]? = nil, frequency: [Int64]? = nil, monetaryMicros: [Int64]? = nil) {
        self.recencyDays = recencyDays
        self.frequency = frequency
        self.monetaryMicros = monetaryMicros
    }

    /// Whether every measure is scored by quintiles.
    public var isEmpty: Bool { recencyDays == nil && frequency == nil && monetaryMicros == nil }

    /// The thresholds of one measure, if fixed.
    public func thresholds(_ measure: RFMMeasure) -> [Int64]? {
        switch measure {
        case .recency: return recencyDays
        case .frequency: return frequency
        case .monetary: return monetaryMicros
        }
    }

    /// Reads one `--bins` value: `recency=30,90,180,365`, `frequency=1,2,5,10` or
    /// `monetary=100,500,1000,5000` (amounts in currency units, exact decimals).
    public mutating func read(_ text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else {
            throw AnalyticsError.invalidOption(option: "--bins \(text)", reason: "expected recency=a,b,c,d, frequency=a,b,c,d or monetary=a,b,c,d")
        }
        let values = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard values.count == 4 else {
            throw AnalyticsError.invalidOption(option: "--bins \(text)", reason: "give exactly 4 ascending thresholds (5 scores)")
        }
        var numbers: [Int64] = []
        for value in values {
            let parsed: Int64?
            if parts[0] == "monetary" {
                parsed = Array(value.utf8).withUnsafeBytes { bytes -> Int64? in
                    if case .success(let micros) = ExactDecimal.micros(bytes) { return micros }
                    return nil
                }
            } else {
                parsed = Int64(value)
            }
            guard let parsed else { throw AnalyticsError.invalidOption(option: "--bins \(text)", reason: "'\(value)' is not a number") }
            numbers.append(parsed)
        }
        guard zip(numbers, numbers.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw AnalyticsError.invalidOption(option: "--bins \(text)", reason: "thresholds must be strictly ascending")
        }
        switch parts[0] {
        case "recency": recencyDays = numbers
        case "frequency": frequency = numbers
        case "monetary": monetaryMicros = numbers
        default:
            throw AnalyticsError.invalidOption(option: "--bins \(text)", reason: "unknown measure '\(parts[0])' (recency, frequency or monetary)")
        }
    }

    /// The thresholds as the JSON array text the queries take (`NULL` when not fixed).
    func json(_ measure: RFMMeasure) -> String? {
        thresholds(measure).map { "[" + $0.map(String.init).joined(separator: ",") + "]" }
    }
}
