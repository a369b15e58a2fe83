import RivuletCore

/// Scale changes and rounding for DECIMAL values kept as unscaled Int64.
enum DecimalMath {
    @inline(__always)
    static func power(_ exponent: Int) -> Int64 { DecimalFormat.powersOfTen[exponent] }

    /// `value` at scale `from` re-expressed at scale `to`, rounding half away from zero when
    /// digits are dropped; nil on overflow.
    @inline(__always)
    static func rescale(_ value: Int64, from: Int, to: Int) -> Int64? {
        if from == to { return value }
        if to > from {
            let (r, o) = value.multipliedReportingOverflow(by: power(to - from))
            return o ? nil : r
        }
        return divideRounding(value, by: power(from - to))
    }

    /// `value / divisor` rounded half away from zero (divisor > 0).
    @inline(__always)
    static func divideRounding(_ value: Int64, by divisor: Int64) -> Int64 {
        let q = value / divisor
        let r = value % divisor
        if r.magnitude * 2 >= divisor.magnitude { return value < 0 ? q - 1 : q + 1 }
        return q
    }

    /// `numerator / denominator` rounded half away from zero; nil when it does not fit Int64.
    static func divideRounding(_ numerator: Int128, by denominator: Int128) -> Int64? {
        let q = numerator / denominator
        let r = numerator % denominator
        var result = q
        if r.magnitude * 2 >= denominator.magnitude {
            result += (numerator < 0) != (denominator < 0) ? -1 : 1
        }
        return Int64(exactly: result)
    }

    static func power128(_ exponent: Int) -> Int128? {
        guard exponent <= 38 else { return nil }
        var p: Int128 = 1
        for _ in 0..<exponent { p *= 10 }
        return p
    }

    /// Every Int64 has at most this many digits, so it fits any DECIMAL this precise.
    static let maxInt64Digits = 19

    /// Whether `value` fits DECIMAL(precision, _).
    @inline(__always)
    static func fits(_ value: Int64, precision: Int) -> Bool {
        precision >= maxInt64Digits || value.magnitude < UInt64(power(min(precision, 18)))
    }
}
