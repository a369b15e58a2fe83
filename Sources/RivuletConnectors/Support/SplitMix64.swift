/// A small, fast, seedable pseudo-random generator (SplitMix64). Generators use it so their
/// output is a pure function of the seed, identical on every run and platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for item `index` of a stream seeded with `seed`: lets a generator derive each
    /// row's values from its position alone, so any position can be regenerated on its own.
    @inline(__always)
    public init(seed: UInt64, index: UInt64) {
        state = SplitMix64.mix(seed &+ index &* 0x9E37_79B9_7F4A_7C15)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    @inline(__always)
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in `[0, bound)` (bound > 0), by multiply-shift: no division, negligible bias.
    @inline(__always)
    public mutating func nextBelow(_ bound: UInt64) -> UInt64 { next().multipliedFullWidth(by: bound).high }
}
