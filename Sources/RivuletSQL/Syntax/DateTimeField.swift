/// A date-time field: the unit of an interval literal, the field of `EXTRACT`.
public enum DateTimeField: String, Hashable, Sendable, CaseIterable {
    case year = "YEAR"
    case quarter = "QUARTER"
    case month = "MONTH"
    case week = "WEEK"
    case day = "DAY"
    case hour = "HOUR"
    case minute = "MINUTE"
    case second = "SECOND"
    case millisecond = "MILLISECOND"
    case microsecond = "MICROSECOND"
    case dayOfWeek = "DOW"
    case dayOfYear = "DOY"
    case epoch = "EPOCH"

    /// The fixed length of one unit, for day-time fields.
    public var milliseconds: Int64? {
        switch self {
        case .week: return 7 * 86_400_000
        case .day: return 86_400_000
        case .hour: return 3_600_000
        case .minute: return 60_000
        case .second: return 1_000
        case .millisecond: return 1
        default: return nil
        }
    }

    /// Whether the field can be the unit of an `INTERVAL` literal.
    public var isIntervalUnit: Bool {
        switch self {
        case .year, .month, .day, .hour, .minute, .second: return true
        default: return false
        }
    }

    /// Whether the field is a unit a time can be rounded to or moved by (`FLOOR(ts TO DAY)`,
    /// `TIMESTAMPADD(HOUR, ...)`).
    public var isTimeUnit: Bool {
        switch self {
        case .year, .quarter, .month, .week, .day, .hour, .minute, .second, .millisecond: return true
        default: return false
        }
    }
}
