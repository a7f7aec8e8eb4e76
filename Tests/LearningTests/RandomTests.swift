import Foundation
import Testing
@testable import Learning

@Suite("Seeded random numbers")
struct RandomTests {
    @Test("SplitMix64 and xoshiro256** reproduce the reference implementations' outputs")
    func referenceOutputs() {
        // SplitMix64(0) starts 0xE220A8397B1DCDAF (Vigna's splitmix64.c); xoshiro256**(42) values
        // from a direct Python transcription of xoshiro256starstar.c seeded by SplitMix64.
        var splitMix = SplitMix64(seed: 0)
        #expect([splitMix.next(), splitMix.next(), splitMix.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        var xoshiro = Xoshiro256StarStar(seed: 42)
        #expect([xoshiro.next(), xoshiro.next(), xoshiro.next()] == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
    }

    @Test("unit interval draws lie in [0, 1) and indices in 0..<bound")
    func ranges() {
        var rng = Xoshiro256StarStar(seed: 1)
        for _ in 0..<10_000 {
            let u = rng.nextUnitInterval()
            #expect(u >= 0 && u < 1)
            let open = rng.nextOpenUnitInterval()
            #expect(open > 0 && open <= 1)
            let i = rng.nextIndex(below: 7)
            #expect(i >= 0 && i < 7)
        }
    }

    @Test("sampler means and variances match their distributions",
          arguments: [("gamma(0.5, 2)", 0.25, 0.125), ("gamma(3, 0.5)", 6.0, 12.0), ("beta(2, 5)", 2.0 / 7, 10.0 / 392),
                      ("normal", 0.0, 1.0), ("exponential(4)", 0.25, 0.0625)])
    func moments(name: String, mean: Double, variance: Double) {
        var rng = Xoshiro256StarStar(seed: 77)
        let n = 200_000
        var draws = [Double](repeating: 0, count: n)
        for i in 0..<n {
            switch name {
            case "gamma(0.5, 2)": draws[i] = rng.nextGamma(shape: 0.5, rate: 2)
            case "gamma(3, 0.5)": draws[i] = rng.nextGamma(shape: 3, rate: 0.5)
            case "beta(2, 5)": draws[i] = rng.nextBeta(2, 5)
            case "normal": draws[i] = rng.nextStandardNormal()
            default: draws[i] = rng.nextExponential(rate: 4)
            }
        }
        let sampleMean = draws.reduce(0, +) / Double(n)
        let sampleVariance = draws.reduce(0) { $0 + ($1 - sampleMean) * ($1 - sampleMean) } / Double(n - 1)
        // The sample mean's standard error is √(variance / n); 5 of them. The variance check is
        // looser (5%): its standard error depends on the fourth moment, ~1–2% here.
        #expect(abs(sampleMean - mean) < 5 * (variance / Double(n)).squareRoot(), "\(name) mean \(sampleMean)")
        #expect(abs(sampleVariance - variance) < 0.05 * variance, "\(name) variance \(sampleVariance)")
    }
}
