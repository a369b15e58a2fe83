/// Text forms of DECIMAL values.
public enum DecimalFormat {
    /// The most digits a DECIMAL holds (Flink's and ksqlDB's limit too).
    public static let maxPrecision = 38
    /// The most digits a DECIMAL kept in 64 bits holds; wider ones take 128.
    public static let maxInt64Precision = 18

    public static let powersOfTen: [Int64] = (0...18).map { p in (0..<p).reduce(Int64(1)) { acc, _ in acc * 10 } }
    public static let widePowersOfTen: [Int128] = (0...38).map { p in (0..<p).reduce(Int128(1)) { acc, _ in acc * 10 } }

    /// `unscaled / 10^scale` written with exactly `scale` fraction digits.
    public static func text(unscaled: Int128, scale: Int) -> String {
        let digits = String(unscaled.magnitude)
        guard scale > 0 else { return unscaled < 0 ? "-" + digits : digits }
        let padded = digits.count > scale ? digits : String(repeating: "0", count: scale - digits.count + 1) + digits
        let point = padded.index(padded.endIndex, offsetBy: -scale)
        return (unscaled < 0 ? "-" : "") + padded[..<point] + "." + padded[point...]
    }

    /// The DOUBLE nearest `unscaled / 10^scale`, as Java's `BigDecimal.doubleValue` gives it:
    /// one division when both parts are exact doubles, the decimal text read otherwise.
    public static func double(unscaled: Int128, scale: Int) -> Double {
        if unscaled.magnitude < 1 << 53, scale <= 22 { return Double(unscaled) / exactDoublePowers[scale] }
        return Double(text(unscaled: unscaled, scale: scale)) ?? .nan
    }

    private static let exactDoublePowers: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { acc, _ in acc * 10 } }

    /// `value` at scale `from` re-expressed at scale `to`, rounding half away from zero when
    /// digits are dropped; nil when it does not fit 128 bits.
    public static func rescale(_ value: Int128, from: Int, to: Int) -> Int128? {
        if from == to { return value }
        if to > from {
            guard to - from <= maxPrecision else { return value == 0 ? 0 : nil }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: widePowersOfTen[to - from])
            return overflow ? nil : scaled
        }
        guard from - to <= maxPrecision else { return 0 }
        return divideRounding(value, by: widePowersOfTen[from - to])
    }

    /// `numerator / denominator` rounded half away from zero.
    public static func divideRounding(_ numerator: Int128, by denominator: Int128) -> Int128 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        guard remainder.magnitude * 2 >= denominator.magnitude else { return quotient }
        return quotient + ((numerator < 0) != (denominator < 0) ? -1 : 1)
    }

    /// Parses `[-]digits[.digits]` into an unscaled value at `scale`, rounding half away from
    /// zero; nil when it is not a number or has more than 38 digits at that scale.
    public static func parse(_ text: UnsafeBufferPointer<UInt8>, scale: Int) -> Int128? {
        guard scale <= maxPrecision else { return nil }
        var i = 0
        var negative = false
        if i < text.count, text[i] == 45 || text[i] == 43 {
            negative = text[i] == 45
            i += 1
        }
        var value: Int128 = 0
        var sawDigit = false
        let limit = widePowersOfTen[maxPrecision]
        while i < text.count, text[i] >= 48, text[i] <= 57 {
            value = value * 10 + Int128(text[i] - 48)
            if value >= limit { return nil }
            sawDigit = true
            i += 1
        }
        var places = 0
        var roundUp = false
        if i < text.count, text[i] == 46 {
            i += 1
            while i < text.count, text[i] >= 48, text[i] <= 57 {
                if places < scale {
                    value = value * 10 + Int128(text[i] - 48)
                    if value >= limit { return nil }
                    places += 1
                } else if places == scale {
                    roundUp = text[i] >= 53
                    places += 1
                }
                sawDigit = true
                i += 1
            }
        }
        guard sawDigit, i == text.count else { return nil }
        if places < scale {
            guard value < limit / widePowersOfTen[scale - places] else { return nil }
            value *= widePowersOfTen[scale - places]
        }
        if roundUp { value += 1 }
        guard value < limit else { return nil }
        return negative ? -value : value
    }

    public static func parse(_ text: String, scale: Int) -> Int128? {
        var text = text
        return text.withUTF8 { parse($0, scale: scale) }
    }
}

/// Text forms of DOUBLE values: integral values without exponent keep a `.0`-free form
/// that matches what Flink writes for typical magnitudes.
public enum DoubleFormat {
    public static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value)) + ".0"
        }
        return "\(value)"
    }
}
