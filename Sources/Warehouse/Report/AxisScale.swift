import Foundation

/// The one tick rule of every chart in the report: ticks are multiples of a step of 1, 2 or 5
/// times a power of ten, the axis always includes zero, and it runs from the last tick at or
/// below the data to the first tick at or above it, so every value drawn lies on the axis and
/// every label is a round number. The step is the smallest such that at most `maxTicks` ticks
/// are needed.
struct AxisScale: Equatable {
    /// First and last tick (lower ≤ 0 ≤ upper).
    let lower: Double
    let upper: Double
    /// 1, 2 or 5 × 10^e.
    let step: Double
    /// Every tick from `lower` to `upper`, `step` apart.
    let ticks: [Double]

    /// The axis for data from `low` to `high` (in either order); `integer` axes (counts) never
    /// step by less than 1. Data of both signs need at least three ticks (−s, 0, s), so
    /// `maxTicks` is then at least 3.
    init(covering low: Double, _ high: Double, maxTicks requested: Int = 6, integer: Bool = false) {
        precondition(requested >= 2, "an axis needs at least two ticks")
        let finite = [low, high].filter(\.isFinite)
        let small = min(0, finite.min() ?? 0)
        var large = max(0, finite.max() ?? 0)
        if large == small { large = small + 1 }
        let maxTicks = small < 0 && large > 0 ? max(3, requested) : requested
        var exponent = Int((log10((large - small) / Double(maxTicks - 1))).rounded(.down))
        if integer { exponent = max(0, exponent) }
        while true {
            for mantissa in [1, 2, 5] {
                let step = Self.value(mantissa, exponent)
                let first = Self.multiples(small, step, .down), last = Self.multiples(large, step, .up)
                let count = Int(last - first) + 1
                if count <= maxTicks {
                    self.step = step
                    self.ticks = (Int(first)...Int(last)).map { Self.value(mantissa * $0, exponent) }
                    self.lower = ticks.first ?? 0
                    self.upper = ticks.last ?? 1
                    return
                }
            }
            exponent += 1
        }
    }

    /// How many steps reach `value`, rounded `rule`-wards, ignoring the last bits of a quotient
    /// such as 0.3 / 0.1 = 2.9999999999999996.
    private static func multiples(_ value: Double, _ step: Double, _ rule: FloatingPointRoundingRule) -> Double {
        let quotient = value / step
        return abs(quotient - quotient.rounded()) < 1e-9 * abs(quotient) ? quotient.rounded() : quotient.rounded(rule)
    }

    /// `multiple` × 10^exponent, exact for the decimals a label shows (0.1 × 3 is 0.3, not
    /// 0.30000000000000004).
    private static func value(_ multiple: Int, _ exponent: Int) -> Double {
        exponent >= 0 ? Double(multiple) * pow(10, Double(exponent)) : Double(multiple) / pow(10, Double(-exponent))
    }

    /// Where `value` lies on the axis: 0 at `lower`, 1 at `upper`.
    func fraction(_ value: Double) -> Double {
        (value - lower) / (upper - lower)
    }

    /// Decimals a tick label needs to tell the ticks apart (0 for steps of 1 or more).
    var decimals: Int {
        step >= 1 ? 0 : Int((-log10(step)).rounded(.up))
    }
}
