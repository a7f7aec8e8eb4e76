import Foundation

/// Special functions needed by the likelihoods and predictions of the lifetime models.
public enum SpecialFunctions {
    /// ln |Γ(x)| (the C library's `lgamma`; on Linux the reentrant `lgamma_r`, which does not
    /// write the global `signgam`, so concurrent fits do not race).
    @inlinable
    public static func logGamma(_ x: Double) -> Double {
        #if os(Linux)
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
        #else
        return lgamma(x)
        #endif
    }

    /// The digamma function ψ(x) = d/dx ln Γ(x).
    ///
    /// Shifts x up to at least 10 with ψ(x) = ψ(x + 1) − 1/x, then uses the asymptotic series
    /// through the x⁻¹⁴ term (truncation error below 1e-16 there); negative non-integer arguments
    /// use the reflection ψ(1 − x) − π cot(πx). Poles (0, −1, −2, …) return NaN.
    public static func digamma(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 {
            if x == x.rounded(.down) { return .nan }
            return digamma(1 - x) - Double.pi / tan(Double.pi * x)
        }
        var value = x
        var result = 0.0
        while value < 10 {
            result -= 1 / value
            value += 1
        }
        let inverse2 = 1 / (value * value)
        // Bernoulli-number coefficients B_2k / (2k) for k = 1...7.
        let series = inverse2 * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252
            - inverse2 * (1.0 / 240 - inverse2 * (1.0 / 132 - inverse2 * (691.0 / 32760
            - inverse2 * (1.0 / 12)))))))
        return result + log(value) - 0.5 / value - series
    }

    /// ln(eᵃ + eᵇ) without overflow or loss of the smaller term.
    @inlinable
    public static func logAddExp(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        let high = max(a, b)
        return high + log1p(exp(-abs(a - b)))
    }

    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series.
    ///
    /// Terms are added with Kahan summation until the remaining tail, bounded by a geometric
    /// series with the current term ratio, is below 1e-16 of the sum. The series needs about
    /// 40 / (1 − z) terms, so z close to 1 is slow; after `maximumTerms` the result is NaN rather
    /// than a silently wrong number. `c` must not be 0 or a negative integer.
    public static func hypergeometric2F1(
        _ a: Double, _ b: Double, _ c: Double, _ z: Double, maximumTerms: Int = 10_000_000
    ) -> Double {
        precondition(z >= 0 && z < 1, "hypergeometric2F1 is implemented for 0 <= z < 1, got \(z)")
        if z == 0 { return 1 }
        var sum = 1.0
        var compensation = 0.0
        var term = 1.0
        let scaleOfParameters = max(abs(a), abs(b), abs(c))
        for n in 0..<maximumTerms {
            let k = Double(n)
            let denominator = (c + k) * (k + 1)
            if denominator == 0 { return .nan }
            term *= (a + k) * (b + k) / denominator * z
            if term == 0 { return sum }
            // Kahan summation: the series may need thousands of terms near z = 1.
            let corrected = term - compensation
            let next = sum + corrected
            compensation = (next - sum) - corrected
            sum = next
            let k1 = k + 1
            let ratio = abs((a + k1) * (b + k1) / ((c + k1) * (k1 + 1))) * z
            if k1 > scaleOfParameters && ratio < 1 {
                let q = max(ratio, z)
                let tail = abs(term) * q / (1 - q)
                if tail <= 1e-16 * abs(sum) { return sum }
            }
        }
        return .nan
    }
}
