#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses typed values straight from bytes of a text record, without creating a `String`.
/// Each returns nil when the text is not a valid value of the type.
enum FieldParser {
    /// `[+-]digits`, within Int64.
    @inline(__always)
    static func int64(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = text.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+") {
            negative = text[0] == UInt8(ascii: "-")
            i = 1
            guard n > 1 else { return nil }
        }
        // Up to 18 digits cannot overflow; longer inputs take the checked path.
        if n - i <= 18 {
            var value: Int64 = 0
            while i < n {
                let d = text[i] &- 48
                guard d < 10 else { return nil }
                value = value &* 10 &+ Int64(d)
                i += 1
            }
            return negative ? -value : value
        }
        var magnitude: UInt64 = 0
        while i < n {
            let d = text[i] &- 48
            guard d < 10 else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            magnitude = s
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    private static let exactPowers: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { acc, _ in acc * 10 } }

    /// Decimal or scientific notation, `NaN`, `Infinity`. Short decimals (≤ 15 significant
    /// digits) are converted exactly by one division; anything else goes through `strtod`.
    @inline(__always)
    static func double(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = text.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+") {
            negative = text[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawDigit = false
        while i < n, text[i] &- 48 < 10 {
            if mantissa != 0 || text[i] != 48 { digits += 1 }
            mantissa = mantissa &* 10 &+ UInt64(text[i] &- 48)
            sawDigit = true
            i += 1
        }
        if i < n, text[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, text[i] &- 48 < 10 {
                if mantissa != 0 || text[i] != 48 { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(text[i] &- 48)
                fractionDigits += 1
                sawDigit = true
                i += 1
            }
        }
        if i == n, sawDigit, digits <= 15, fractionDigits <= 22 {
            let value = Double(mantissa) / exactPowers[fractionDigits]
            return negative ? -value : value
        }
        return slowDouble(text)
    }

    private static func slowDouble(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        guard text.count < 400 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer -> Double? in
            for i in 0..<text.count {
                let c = text[i]
                // strtod would skip leading spaces and accept hex floats; a field must not.
                if c == 32 || c == 9 || c == UInt8(ascii: "x") || c == UInt8(ascii: "X") { return nil }
                buffer[i] = CChar(bitPattern: c)
            }
            buffer[text.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, end == buffer.baseAddress! + text.count else { return nil }
            // Out of range (`1e999`): strtod gives infinity; only `inf`/`infinity` spell it.
            if value.isInfinite, text.contains(where: { $0 &- 48 < 10 }) { return nil }
            return value
        }
    }

    /// `true` / `false` in any case, or `1` / `0`.
    static func bool(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch text.count {
        case 1:
            if text[0] == UInt8(ascii: "1") { return true }
            if text[0] == UInt8(ascii: "0") { return false }
            return nil
        case 4:
            return (text[0] | 0x20, text[1] | 0x20, text[2] | 0x20, text[3] | 0x20) == (116, 114, 117, 101) ? true : nil
        case 5:
            let word = (text[0] | 0x20, text[1] | 0x20, text[2] | 0x20, text[3] | 0x20, text[4] | 0x20)
            return word == (102, 97, 108, 115, 101) ? false : nil
        default:
            return nil
        }
    }

    /// The bytes without leading and trailing spaces and tabs.
    @inline(__always)
    static func trimmed(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = text.count
        while start < end, text[start] == 32 || text[start] == 9 { start += 1 }
        while end > start, text[end - 1] == 32 || text[end - 1] == 9 { end -= 1 }
        if start == 0, end == text.count { return text }
        return UnsafeBufferPointer(rebasing: text[start..<end])
    }
}
