import Learning

// Seedable randomness for the sample generator.
//
// Swift's system generator cannot be seeded, so the generator carries its own: xoshiro256**
// (Blackman and Vigna), seeded through SplitMix64 (both from the Learning module). Every stream of draws (one user's profile,
// one order's lines, one session's events...) gets its own generator, seeded by mixing the
// configuration's seed with the stream's kind and indices. An order can therefore be rebuilt
// later (for its return or its review) from its indices alone, and a draw added to one stream
// never shifts the others.
//
// The distributions only use IEEE basic operations (+ - * / and sqrt, which are correctly
// rounded everywhere) and the `SampleMath` log/exp below, never the platform's libm, whose last
// bits differ between systems: the same seed gives the same numbers on Linux and macOS.

/// Kinds of random streams. The raw values are part of the output's definition: changing one
/// changes every generated file.
enum SampleStream: UInt64 {
    case catalogue = 1
    case user = 2
    case arrival = 3
    case order = 4
    case followUp = 5
    case session = 6
    case guest = 7
    case returns = 8
    case review = 9
    case browse = 10
    case anonymousBrowse = 11
    case existingUsers = 12
    case newUsers = 13
}

/// Derives the seed of one stream from the configuration's seed, the stream kind and up to two
/// indices.
@inline(__always)
func sampleStreamSeed(_ seed: UInt64, _ stream: SampleStream, _ a: UInt64 = 0, _ b: UInt64 = 0) -> UInt64 {
    var h = SplitMix64.finalize(seed ^ 0x6C69_6665_6379_636C)  // "lifecycl"
    h = SplitMix64.finalize(h ^ stream.rawValue &* 0x9E37_79B9_7F4A_7C15)
    h = SplitMix64.finalize(h ^ (a &+ 0x1234_5678) &* 0xD1B5_4A32_D192_ED03)
    h = SplitMix64.finalize(h ^ (b &+ 0x8765_4321) &* 0xAEF1_7502_108E_F2D9)
    return h
}

/// Learning's xoshiro256** with the distributions the generator needs.
struct SampleRandom {
    private var core: Xoshiro256StarStar

    init(seed: UInt64) {
        core = Xoshiro256StarStar(seed: seed)
    }

    init(_ seed: UInt64, _ stream: SampleStream, _ a: UInt64 = 0, _ b: UInt64 = 0) {
        self.init(seed: sampleStreamSeed(seed, stream, a, b))
    }

    @inline(__always)
    mutating func next() -> UInt64 { core.next() }

    /// Uniform in [0, 1), 53 random bits.
    @inline(__always)
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1): never 0, so its logarithm is finite.
    @inline(__always)
    mutating func uniformOpen() -> Double { (Double(next() >> 11) + 0.5) * 0x1.0p-53 }

    /// Uniform integer in 0..<n (Lemire's multiply-high; the bias is below 2^-40 for our n).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below(\(n))")
        return Int(truncatingIfNeeded: UInt64(n).multipliedFullWidth(by: next()).high)
    }

    /// Uniform integer in the closed range.
    @inline(__always)
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    @inline(__always)
    mutating func chance(_ probability: Double) -> Bool { uniform() < probability }

    /// Exponential with the given mean.
    @inline(__always)
    mutating func exponential(mean: Double) -> Double { -SampleMath.log(uniformOpen()) * mean }

    /// Standard normal (Marsaglia's polar method; the second value is dropped to keep streams simple).
    mutating func normal() -> Double {
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * SampleMath.log(s) / s).squareRoot()
            }
        }
    }

    /// Gamma(shape, scale) by Marsaglia and Tsang (2000); shape < 1 through the boost
    /// Gamma(a) = Gamma(a + 1) * U^(1/a).
    mutating func gamma(shape: Double, scale: Double) -> Double {
        precondition(shape > 0 && scale > 0, "gamma(shape: \(shape), scale: \(scale))")
        if shape < 1 {
            let boost = SampleMath.exp(SampleMath.log(uniformOpen()) / shape)
            return gamma(shape: shape + 1, scale: scale) * boost
        }
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9.0 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniformOpen()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v * scale }
            if SampleMath.log(u) < 0.5 * x2 + d * (1 - v + SampleMath.log(v)) { return d * v * scale }
        }
    }

    /// Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a, scale: 1)
        let y = gamma(shape: b, scale: 1)
        return x / (x + y)
    }

    /// Poisson with the given mean: Knuth's product method below 30, a rounded normal above
    /// (only very large baskets reach it).
    mutating func poisson(mean: Double) -> Int {
        if mean <= 0 { return 0 }
        if mean < 30 {
            let limit = SampleMath.exp(-mean)
            var product = uniform()
            var count = 0
            while product > limit {
                count += 1
                product *= uniform()
            }
            return count
        }
        let value = (mean + mean.squareRoot() * normal()).rounded()
        return max(0, Int(value))
    }

    /// An index drawn with probability proportional to `cumulative[i+1] - cumulative[i]`,
    /// where `cumulative` starts at 0 and ends at the total weight.
    @inline(__always)
    mutating func pick(cumulative: UnsafeBufferPointer<Double>) -> Int {
        let target = uniform() * cumulative[cumulative.count - 1]
        return SampleMath.upperBound(cumulative, target) - 1
    }
}

/// Logarithm and exponential from IEEE basic operations only, so that results are the same bit
/// for bit on every platform (libm's are not). Accurate to a few ulps, which is plenty here.
enum SampleMath {
    private static let ln2Hi = 6.93147180369123816490e-01
    private static let ln2Lo = 1.90821492927058770002e-10

    /// Natural logarithm of a positive finite number.
    static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "log(\(x))")
        var value = x
        var exponent = 0
        if value < 0x1.0p-1022 {  // subnormal: scale into the normal range first
            value *= 0x1.0p54
            exponent -= 54
        }
        let bits = value.bitPattern
        exponent += Int((bits >> 52) & 0x7FF) - 1023
        var m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)  // [1, 2)
        if m > 1.4142135623730951 {
            m *= 0.5
            exponent += 1
        }
        // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716.
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var series = 1.0 / 25.0
        series = series * s2 + 1.0 / 23.0
        series = series * s2 + 1.0 / 21.0
        series = series * s2 + 1.0 / 19.0
        series = series * s2 + 1.0 / 17.0
        series = series * s2 + 1.0 / 15.0
        series = series * s2 + 1.0 / 13.0
        series = series * s2 + 1.0 / 11.0
        series = series * s2 + 1.0 / 9.0
        series = series * s2 + 1.0 / 7.0
        series = series * s2 + 1.0 / 5.0
        series = series * s2 + 1.0 / 3.0
        let logM = 2 * s + 2 * s * s2 * series
        let e = Double(exponent)
        return e * ln2Hi + (logM + e * ln2Lo)
    }

    /// e^x.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.78 { return .infinity }
        if x < -745.2 { return 0 }
        let k = (x * 1.4426950408889634).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo  // |r| <= 0.347
        var p = 1.0 / 6_227_020_800.0  // 1/13!
        p = p * r + 1.0 / 479_001_600.0
        p = p * r + 1.0 / 39_916_800.0
        p = p * r + 1.0 / 3_628_800.0
        p = p * r + 1.0 / 362_880.0
        p = p * r + 1.0 / 40_320.0
        p = p * r + 1.0 / 5_040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        return Double(sign: .plus, exponent: Int(k), significand: p)
    }

    /// x^y for x > 0.
    static func pow(_ x: Double, _ y: Double) -> Double { exp(log(x) * y) }

    /// The first index whose element is greater than `value` (elements sorted ascending).
    @inline(__always)
    static func upperBound(_ sorted: UnsafeBufferPointer<Double>, _ value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low &+ high) >> 1
            if sorted[mid] <= value { low = mid &+ 1 } else { high = mid }
        }
        return low
    }

    @inline(__always)
    static func upperBound(_ sorted: [Double], _ value: Double) -> Int {
        sorted.withUnsafeBufferPointer { upperBound($0, value) }
    }
}
