/// Conversions between epoch milliseconds / days and the text forms users write
/// (`YYYY-MM-DD HH:MM:SS[.fff]`, also with a `T`). All times are UTC wall-clock, no zone.
public enum TimeFormat {
    /// Days since 1970-01-01 for a proleptic Gregorian date.
    @inline(__always)
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month, day) of a day number.
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.f…]]]` into epoch milliseconds; nil when malformed.
    public static func parseTimestamp(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let n = text.count
        @inline(__always) func digits(_ count: Int) -> Int64? {
            guard i + count <= n else { return nil }
            var v: Int64 = 0
            for _ in 0..<count {
                let c = text[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
                i += 1
            }
            return v
        }
        @inline(__always) func expect(_ c: UInt8) -> Bool {
            guard i < n, text[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return nil }
        guard month >= 1, month <= 12, day >= 1, day <= 31 else { return nil }
        var millis = days(year: year, month: month, day: day) * 86_400_000
        if i == n { return millis }
        guard text[i] == 32 || text[i] == 84 else { return nil }
        i += 1
        guard let hour = digits(2), expect(58), let minute = digits(2), hour < 24, minute < 60 else { return nil }
        millis += hour * 3_600_000 + minute * 60_000
        if i == n { return millis }
        guard expect(58), let second = digits(2), second < 60 else { return nil }
        millis += second * 1000
        if i == n { return millis }
        guard expect(46), i < n else { return nil }
        var fraction: Int64 = 0
        var places = 0
        while i < n {
            let c = text[i]
            guard c >= 48, c <= 57 else { return nil }
            if places < 3 {
                fraction = fraction * 10 + Int64(c - 48)
                places += 1
            }
            i += 1
        }
        while places < 3 {
            fraction *= 10
            places += 1
        }
        return millis + fraction
    }

    public static func parseTimestamp(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parseTimestamp($0) }
    }

    /// Parses `YYYY-MM-DD` into days since the epoch.
    public static func parseDate(_ text: String) -> Int64? {
        guard text.utf8.count == 10, let ms = parseTimestamp(text) else { return nil }
        return ms / 86_400_000
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm`.
    public static func timestampText(_ millis: Int64) -> String {
        var days = millis / 86_400_000
        var rest = millis % 86_400_000
        if rest < 0 {
            rest += 86_400_000
            days -= 1
        }
        let (y, m, d) = civil(days: days)
        let hour = rest / 3_600_000
        let minute = rest / 60_000 % 60
        let second = rest / 1000 % 60
        let ms = rest % 1000
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(ms, 3))"
    }

    /// `YYYY-MM-DD`.
    public static func dateText(_ days: Int64) -> String {
        let (y, m, d) = civil(days: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
