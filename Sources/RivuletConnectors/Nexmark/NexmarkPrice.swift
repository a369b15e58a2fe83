#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nexmark's price curve `round(10^(6u) × 100)`, equal to what `pow` gives but mostly without
/// calling it: `10^x` is computed as `2^n · 2^(j/256) · 2^r` from a table and a short series
/// (relative error below 1e-14), and `pow` is consulted only when that estimate lies within
/// 1e-12 (relative) of a rounding boundary, where the two could round differently.
enum NexmarkPrice {
    private static let log2Of10 = 3.321928094887362347870319429489390175864831393
    private static let ln2 = 0.693147180559945309417232121458176568075500134
    /// 2^(j/256) for j in 0..<256.
    private static let steps: [Double] = (0..<256).map { exp2(Double($0) / 256) }

    @inline(__always)
    static func price(unit u: Double) -> Int64 {
        let x = u * 6.0
        let t = x * log2Of10
        let n = t.rounded(.down)
        let f = t - n
        let j = Int(f * 256)
        let r = f - Double(j) / 256
        let z = r * ln2
        let series = 1 + z * (1 + z * (0.5 + z * (1.0 / 6 + z * (1.0 / 24 + z * (1.0 / 120)))))
        let estimate = steps.withUnsafeBufferPointer { $0[j] } * series * 100 * Double(sign: .plus, exponent: Int(n), significand: 1)
        let fraction = estimate - estimate.rounded(.down)
        if abs(fraction - 0.5) > estimate * 1e-12 { return Int64(estimate.rounded()) }
        return Int64((pow(10.0, x) * 100.0).rounded())
    }
}
