import RivuletCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lenient-but-total parsers from UTF-8 text to values for CAST: surrounding ASCII whitespace
/// is ignored and anything else that does not parse gives nil (the cast yields NULL).
enum TextParsing {
    static func trimmed(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = text.count
        while start < end, isSpace(text[start]) { start += 1 }
        while end > start, isSpace(text[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: text[start..<end])
    }

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    /// `[+-]digits`.
    static func parseInt(_ raw: UnsafeBufferPointer<UInt8>) -> Int64? {
        let text = trimmed(raw)
        var i = 0
        var negative = false
        if i < text.count, text[i] == 45 || text[i] == 43 {
            negative = text[i] == 45
            i += 1
        }
        guard i < text.count else { return nil }
        var value: Int64 = 0
        while i < text.count {
            let c = text[i]
            guard c >= 48, c <= 57 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            // Accumulate negatively so Int64.min parses.
            let (s, o2) = m.subtractingReportingOverflow(Int64(c - 48))
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        if negative { return value }
        return value == Int64.min ? nil : -value
    }

    /// Decimal or scientific notation, or Java's `NaN`, `Infinity`, `-Infinity`.
    static func parseDouble(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        let text = trimmed(raw)
        guard !text.isEmpty, text.count < 64 else { return nil }
        var i = 0
        var negative = false
        if text[i] == 45 || text[i] == 43 {
            negative = text[i] == 45
            i += 1
        }
        let rest = UnsafeBufferPointer(rebasing: text[i...])
        if rest.elementsEqual(infinityBytes) { return negative ? -.infinity : .infinity }
        if i == 0, rest.elementsEqual(nanBytes) { return .nan }
        var digits = 0
        while i < text.count, text[i] >= 48, text[i] <= 57 { i += 1; digits += 1 }
        if i < text.count, text[i] == 46 {
            i += 1
            while i < text.count, text[i] >= 48, text[i] <= 57 { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if i < text.count, text[i] == 101 || text[i] == 69 {
            i += 1
            if i < text.count, text[i] == 45 || text[i] == 43 { i += 1 }
            var exponentDigits = 0
            while i < text.count, text[i] >= 48, text[i] <= 57 { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == text.count else { return nil }
        // Validated above, so strtod sees exactly a decimal number; it needs a terminator.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            for j in 0..<text.count { buffer[j] = CChar(bitPattern: text[j]) }
            buffer[text.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    /// TRUE/FALSE, T/F, YES/NO, Y/N, ON/OFF, 1/0, any case.
    static func parseBool(_ raw: UnsafeBufferPointer<UInt8>) -> Bool? {
        let text = trimmed(raw)
        guard text.count <= 5 else { return nil }
        var lower: UInt64 = 0
        for (i, c) in text.enumerated() {
            let l = c >= 65 && c <= 90 ? c + 32 : c
            lower |= UInt64(l) << UInt64(8 * i)
        }
        switch lower {
        case word("true"), word("t"), word("yes"), word("y"), word("on"), word("1"): return true
        case word("false"), word("f"), word("no"), word("n"), word("off"), word("0"): return false
        default: return nil
        }
    }

    private static func word(_ text: StaticString) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<text.utf8CodeUnitCount { value |= UInt64(text.utf8Start[i]) << UInt64(8 * i) }
        return value
    }

    private static let infinityBytes: [UInt8] = Array("Infinity".utf8)
    private static let nanBytes: [UInt8] = Array("NaN".utf8)
}
