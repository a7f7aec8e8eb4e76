import Foundation

/// Samplers for the distributions the lifetime models are built from, usable with any
/// ``RandomNumberGenerator`` (normally a seeded ``Xoshiro256StarStar``), so simulated data sets
/// are reproducible.
extension RandomNumberGenerator {
    /// A uniform double in (0, 1]: safe to take the logarithm of.
    public mutating func nextOpenUnitInterval() -> Double {
        1 - nextUnitInterval()
    }

    /// A standard normal draw (Marsaglia's polar method; the second value of each pair is discarded
    /// so the generator carries no hidden state).
    public mutating func nextStandardNormal() -> Double {
        while true {
            let u = 2 * nextUnitInterval() - 1
            let v = 2 * nextUnitInterval() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * log(s) / s).squareRoot()
            }
        }
    }

    /// An exponential draw with the given rate (mean 1 / rate).
    public mutating func nextExponential(rate: Double) -> Double {
        precondition(rate > 0, "exponential rate must be positive, got \(rate)")
        return -log(nextOpenUnitInterval()) / rate
    }

    /// A gamma draw with the given shape and rate (mean shape / rate), by Marsaglia & Tsang (2000);
    /// shapes below 1 use the boost `Gamma(k + 1) · U^(1/k)`.
    public mutating func nextGamma(shape: Double, rate: Double) -> Double {
        precondition(shape > 0 && rate > 0, "gamma shape and rate must be positive, got \(shape), \(rate)")
        if shape < 1 {
            let boosted = nextGamma(shape: shape + 1, rate: rate)
            return boosted * pow(nextOpenUnitInterval(), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = nextStandardNormal()
            let base = 1 + c * x
            if base <= 0 { continue }
            let v = base * base * base
            let u = nextOpenUnitInterval()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1 - v + log(v)) {
                return d * v / rate
            }
        }
    }

    /// A beta draw, as `X / (X + Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)`.
    public mutating func nextBeta(_ a: Double, _ b: Double) -> Double {
        let x = nextGamma(shape: a, rate: 1)
        let y = nextGamma(shape: b, rate: 1)
        return x / (x + y)
    }

    /// `true` with probability `p`.
    public mutating func nextBernoulli(_ p: Double) -> Bool {
        nextUnitInterval() < p
    }
}
