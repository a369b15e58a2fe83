import RivuletCore

/// Appends canonical text forms straight into a byte buffer, without an intermediate String.
/// The forms match `Value.description`.
enum TextWriting {
    static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(45) }
        appendDigits(value.magnitude, minimumWidth: 1, to: &out)
    }

    /// Decimal digits of `value`, zero-padded to `minimumWidth`.
    static func appendDigits(_ value: UInt64, minimumWidth: Int, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var v = value
            var n = 0
            repeat {
                scratch[n] = UInt8(v % 10) + 48
                v /= 10
                n += 1
            } while v > 0
            while n < minimumWidth, n < 24 {
                scratch[n] = 48
                n += 1
            }
            while n > 0 {
                n -= 1
                out.append(scratch[n])
            }
        }
    }

    static func appendDecimal(_ unscaled: Int64, scale: Int, to out: inout [UInt8]) {
        guard scale > 0 else { return appendInt(unscaled, to: &out) }
        if unscaled < 0 { out.append(45) }
        let magnitude = unscaled.magnitude
        let divisor = UInt64(DecimalFormat.powersOfTen[scale])
        appendDigits(magnitude / divisor, minimumWidth: 1, to: &out)
        out.append(46)
        appendDigits(magnitude % divisor, minimumWidth: scale, to: &out)
    }

    /// `YYYY-MM-DD`.
    static func appendDate(_ days: Int64, to out: inout [UInt8]) {
        let (y, m, d) = TimeFormat.civil(days: days)
        if y < 0 { out.append(45) }
        appendDigits(y.magnitude, minimumWidth: 4, to: &out)
        out.append(45)
        appendDigits(UInt64(m), minimumWidth: 2, to: &out)
        out.append(45)
        appendDigits(UInt64(d), minimumWidth: 2, to: &out)
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm`.
    static func appendTimestamp(_ millis: Int64, to out: inout [UInt8]) {
        let fields = CivilTime(millis: millis)
        appendDate(fields.days, to: &out)
        out.append(32)
        appendDigits(UInt64(fields.hour), minimumWidth: 2, to: &out)
        out.append(58)
        appendDigits(UInt64(fields.minute), minimumWidth: 2, to: &out)
        out.append(58)
        appendDigits(UInt64(fields.second), minimumWidth: 2, to: &out)
        out.append(46)
        appendDigits(UInt64(fields.millisecond), minimumWidth: 3, to: &out)
    }

    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }
}
