import RivuletCore

/// Writes values as text bytes, in the forms Flink's CSV and JSON formats write them:
/// timestamps `YYYY-MM-DD HH:MM:SS.mmm`, dates `YYYY-MM-DD`, decimals with exactly their scale
/// digits, DOUBLE as Java's `Double.toString` (`0.1`, `100.0`, `1.0E7`, `1.0E-4`).
struct ValueText {
    static let trueBytes: [UInt8] = Array("true".utf8)
    static let falseBytes: [UInt8] = Array("false".utf8)

    /// The last day written and its `YYYY-MM-DD` bytes: rows of a stream share few days.
    private var cachedDay: Int64 = .min
    private var cachedDate: [UInt8] = []

    @inline(__always)
    static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0, value < 10 {
            out.append(UInt8(value) + 48)
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var k = 20
            repeat {
                k -= 1
                digits[k] = UInt8(magnitude % 10) + 48
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[k..<20]))
        }
    }

    @inline(__always)
    static func appendPadded(_ value: Int64, width: Int, to out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(rest / divisor) + 48)
            rest %= divisor
            divisor /= 10
        }
    }

    mutating func appendDate(days: Int64, to out: inout [UInt8]) {
        if days != cachedDay {
            cachedDay = days
            cachedDate.removeAll(keepingCapacity: true)
            let (y, m, d) = TimeFormat.civil(days: days)
            if y < 0 || y > 9999 {
                cachedDate.append(contentsOf: TimeFormat.dateText(days).utf8)
            } else {
                Self.appendPadded(y, width: 4, to: &cachedDate)
                cachedDate.append(UInt8(ascii: "-"))
                Self.appendPadded(m, width: 2, to: &cachedDate)
                cachedDate.append(UInt8(ascii: "-"))
                Self.appendPadded(d, width: 2, to: &cachedDate)
            }
        }
        out.append(contentsOf: cachedDate)
    }

    @inline(__always)
    mutating func appendTimestamp(_ millis: Int64, to out: inout [UInt8]) {
        var days = millis / 86_400_000
        var rest = millis % 86_400_000
        if rest < 0 {
            rest += 86_400_000
            days -= 1
        }
        appendDate(days: days, to: &out)
        // " HH:MM:SS.mmm" in one append.
        let hours = UInt8(rest / 3_600_000), minutes = UInt8(rest / 60_000 % 60)
        let seconds = UInt8(rest / 1000 % 60), millis = Int(rest % 1000)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 13) { t in
            t[0] = 32
            t[1] = 48 + hours / 10
            t[2] = 48 + hours % 10
            t[3] = 58
            t[4] = 48 + minutes / 10
            t[5] = 48 + minutes % 10
            t[6] = 58
            t[7] = 48 + seconds / 10
            t[8] = 48 + seconds % 10
            t[9] = 46
            t[10] = 48 + UInt8(millis / 100)
            t[11] = 48 + UInt8(millis / 10 % 10)
            t[12] = 48 + UInt8(millis % 10)
            out.append(contentsOf: UnsafeBufferPointer(t))
        }
    }

    static func appendDecimal(_ unscaled: Int64, scale: Int, to out: inout [UInt8]) {
        guard scale > 0 else {
            appendInt(unscaled, to: &out)
            return
        }
        if unscaled < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = unscaled.magnitude
        let divisor = UInt64(DecimalFormat.powersOfTen[scale])
        appendInt(Int64(magnitude / divisor), to: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(Int64(magnitude % divisor), width: scale, to: &out)
    }

    static func appendDecimal(_ unscaled: Int128, scale: Int, to out: inout [UInt8]) {
        if let narrow = Int64(exactly: unscaled), scale <= DecimalFormat.maxInt64Precision {
            appendDecimal(narrow, scale: scale, to: &out)
        } else {
            out.append(contentsOf: DecimalFormat.text(unscaled: unscaled, scale: scale).utf8)
        }
    }

    /// Row `row` of a DECIMAL column, whichever layout its precision gives it.
    static func appendDecimal(_ column: Column, _ row: Int, scale: Int, to out: inout [UInt8]) {
        if column.kind == .int128 {
            appendDecimal(column.wides[row], scale: scale, to: &out)
        } else {
            appendDecimal(column.ints[row], scale: scale, to: &out)
        }
    }

    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        out.append(contentsOf: javaText(value).utf8)
    }

    /// Java's `Double.toString`: the shortest digits that round-trip, plain notation for
    /// 10^-3 ≤ |v| < 10^7 (with at least one fraction digit), otherwise `d.dddE±n`.
    static func javaText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description holds the shortest round-trip digits; re-lay them out.
        let text = value.magnitude.description
        var digits: [UInt8] = []
        var pointAt: Int?
        var exponent = 0
        var utf8 = Array(text.utf8)
        if let e = utf8.firstIndex(where: { $0 == UInt8(ascii: "e") }) {
            exponent = Int(String(decoding: utf8[(e + 1)...], as: UTF8.self)) ?? 0
            utf8 = Array(utf8[..<e])
        }
        for c in utf8 {
            if c == UInt8(ascii: ".") { pointAt = digits.count } else { digits.append(c) }
        }
        // value = 0.d1d2d3... × 10^decimalExponent once leading zeros are dropped.
        var decimalExponent = (pointAt ?? digits.count) + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            decimalExponent -= 1
        }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        var out = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        if magnitude >= 1e-3, magnitude < 1e7 {
            if decimalExponent <= 0 {
                out += "0." + String(repeating: "0", count: -decimalExponent) + String(decoding: digits, as: UTF8.self)
            } else if decimalExponent >= digits.count {
                out += String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: decimalExponent - digits.count) + ".0"
            } else {
                out += String(decoding: digits[..<decimalExponent], as: UTF8.self) + "."
                    + String(decoding: digits[decimalExponent...], as: UTF8.self)
            }
        } else {
            let rest = digits.count > 1 ? String(decoding: digits[1...], as: UTF8.self) : "0"
            out += String(decoding: digits[..<1], as: UTF8.self) + "." + rest + "E" + String(decimalExponent - 1)
        }
        return out
    }
}

extension ValueText {
    /// A CSV header line (without line end) of column names.
    static func joinedHeader(_ names: [String], delimiter: UInt8) -> [UInt8] {
        var out: [UInt8] = []
        for (i, name) in names.enumerated() {
            if i > 0 { out.append(delimiter) }
            out.append(contentsOf: name.utf8)
        }
        return out
    }
}
