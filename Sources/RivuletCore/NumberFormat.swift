/// Text forms of DECIMAL values.
public enum DecimalFormat {
    public static let powersOfTen: [Int64] = (0...18).map { p in (0..<p).reduce(Int64(1)) { acc, _ in acc * 10 } }

    /// `unscaled / 10^scale` written with exactly `scale` fraction digits.
    public static func text(unscaled: Int64, scale: Int) -> String {
        guard scale > 0 else { return String(unscaled) }
        let negative = unscaled < 0
        let magnitude = unscaled.magnitude
        let divisor = UInt64(powersOfTen[scale])
        let whole = magnitude / divisor
        let fraction = String(magnitude % divisor)
        let padded = String(repeating: "0", count: scale - fraction.count) + fraction
        return (negative ? "-" : "") + "\(whole).\(padded)"
    }

    /// Parses `[-]digits[.digits]` into an unscaled value at `scale`, rounding half away from zero.
    public static func parse(_ text: UnsafeBufferPointer<UInt8>, scale: Int) -> Int64? {
        var i = 0
        var negative = false
        if i < text.count, text[i] == 45 || text[i] == 43 {
            negative = text[i] == 45
            i += 1
        }
        var whole: Int64 = 0
        var sawDigit = false
        while i < text.count, text[i] >= 48, text[i] <= 57 {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(text[i] - 48))
            if o1 || o2 { return nil }
            whole = s
            sawDigit = true
            i += 1
        }
        var fraction: Int64 = 0
        var places = 0
        var roundUp = false
        if i < text.count, text[i] == 46 {
            i += 1
            while i < text.count, text[i] >= 48, text[i] <= 57 {
                if places < scale {
                    fraction = fraction * 10 + Int64(text[i] - 48)
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
        while places < scale {
            fraction *= 10
            places += 1
        }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: powersOfTen[scale])
        if overflow { return nil }
        var value = scaled + fraction + (roundUp ? 1 : 0)
        if negative { value = -value }
        return value
    }

    public static func parse(_ text: String, scale: Int) -> Int64? {
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
