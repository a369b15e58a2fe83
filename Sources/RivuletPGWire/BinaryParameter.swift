import RivuletCore

/// Binary-format Bind parameters of simple types, turned into their text form so they can be
/// spliced as literals.
enum BinaryParameter {
    static func text(of bytes: [UInt8], type: PGType) -> String? {
        func integer(_ count: Int) -> Int64? {
            guard bytes.count == count else { return nil }
            var value: UInt64 = 0
            for byte in bytes { value = value << 8 | UInt64(byte) }
            let shift = UInt64(64 - 8 * count)
            return Int64(bitPattern: value << shift) >> Int64(shift)
        }
        switch type {
        case .bool:
            return bytes.count == 1 ? (bytes[0] != 0 ? "t" : "f") : nil
        case .int2: return integer(2).map { String($0) }
        case .int4: return integer(4).map { String($0) }
        case .int8: return integer(8).map { String($0) }
        case .float4:
            return integer(4).map { "\(Float(bitPattern: UInt32(truncatingIfNeeded: $0)))" }
        case .float8:
            return integer(8).map { "\(Double(bitPattern: UInt64(bitPattern: $0)))" }
        case .text, .varchar, .unspecified:
            return String(decoding: bytes, as: UTF8.self)
        case .timestamp, .timestamptz:
            // Microseconds since 2000-01-01 (UTC for timestamptz).
            return integer(8).map { micros in
                let millis = micros / 1000 - (micros % 1000 < 0 ? 1 : 0)
                return TimeFormat.timestampText(millis + Value.postgresEpochDays * 86_400_000)
            }
        case .date:
            return integer(4).map { TimeFormat.dateText($0 + Value.postgresEpochDays) }
        case .numeric:
            return numeric(bytes)
        default:
            return nil
        }
    }

    /// Postgres' binary numeric: digit count, weight (of the first base-10000 digit), sign,
    /// display scale, then the base-10000 digits.
    private static func numeric(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 8 else { return nil }
        func int16(_ at: Int) -> Int { Int(Int16(bitPattern: UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]))) }
        let count = int16(0), weight = int16(2), sign = int16(4), scale = int16(6)
        guard count >= 0, bytes.count == 8 + 2 * count else { return nil }
        if sign == 0xC000 { return "NaN" }
        let digits = (0..<count).map { int16(8 + 2 * $0) }
        var integer = ""
        for position in 0...max(weight, 0) {
            let digit = position < digits.count && weight >= 0 ? digits[position] : 0
            integer += position == 0 ? String(digit) : String(repeating: "0", count: 4 - String(digit).count) + String(digit)
        }
        var fraction = ""
        var position = weight + 1
        while fraction.count < scale {
            let digit = position >= 0 && position < digits.count ? digits[position] : 0
            fraction += String(repeating: "0", count: 4 - String(digit).count) + String(digit)
            position += 1
        }
        fraction = String(fraction.prefix(scale))
        let text = scale > 0 ? integer + "." + fraction : integer
        return sign == 0x4000 ? "-" + text : text
    }
}
