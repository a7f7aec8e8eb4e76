/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seedable generator, used here to expand one
/// 64-bit seed into the state of ``Xoshiro256StarStar``.
///
/// The output sequence for a seed is fixed by the algorithm, so it is the same on every platform
/// and Swift version (unlike `SystemRandomNumberGenerator`, which cannot be seeded).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The current state; every call to ``next()`` advances it by the golden-ratio increment.
    public private(set) var state: UInt64

    /// Creates a generator whose first output is determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.finalize(state)
    }

    /// SplitMix64's output function: a bijective 64-bit mixer, also useful to derive seeds.
    @inline(__always)
    public static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
