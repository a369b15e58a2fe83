import RivuletCore

/// The calendar fields of an epoch-millisecond timestamp (UTC, proleptic Gregorian),
/// correct before 1970 too: days and time of day use floor division.
struct CivilTime {
    let days: Int64
    let year: Int64
    let month: Int64
    let day: Int64
    let hour: Int64
    let minute: Int64
    let second: Int64
    let millisecond: Int64

    init(millis: Int64) {
        let days = floorDivide(millis, 86_400_000)
        let rest = millis - days * 86_400_000
        self.days = days
        (year, month, day) = TimeFormat.civil(days: days)
        hour = rest / 3_600_000
        minute = rest / 60_000 % 60
        second = rest / 1000 % 60
        millisecond = rest % 1000
    }

    /// 1 = Sunday … 7 = Saturday, as Flink's `EXTRACT(DOW ...)`.
    var dayOfWeek: Int64 { floorModulo(days + 4, 7) + 1 }

    /// 1 … 366.
    var dayOfYear: Int64 { days - TimeFormat.days(year: year, month: 1, day: 1) + 1 }

    /// ISO-8601 week of the year (weeks start on Monday; week 1 holds the first Thursday).
    var isoWeek: Int64 {
        let isoWeekday = floorModulo(days + 3, 7) + 1  // Monday = 1
        let thursday = days - isoWeekday + 4
        let thursdayYear = TimeFormat.civil(days: thursday).year
        let firstDay = TimeFormat.days(year: thursdayYear, month: 1, day: 1)
        return (thursday - firstDay) / 7 + 1
    }

    var quarter: Int64 { (month - 1) / 3 + 1 }
}

@inline(__always)
func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

@inline(__always)
func floorModulo(_ a: Int64, _ b: Int64) -> Int64 {
    let r = a % b
    return r != 0 && (r < 0) != (b < 0) ? r + b : r
}
