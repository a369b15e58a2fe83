public import RivuletCore

/// A ksqlDB bare duration: `10 SECONDS`, `1 MINUTE`, `500 MILLISECONDS`.
public struct DurationLiteral: Hashable, Sendable {
    public enum Unit: String, Hashable, Sendable, CaseIterable {
        case millisecond = "MILLISECOND"
        case second = "SECOND"
        case minute = "MINUTE"
        case hour = "HOUR"
        case day = "DAY"

        public var milliseconds: Int64 {
            switch self {
            case .millisecond: return 1
            case .second: return 1_000
            case .minute: return 60_000
            case .hour: return 3_600_000
            case .day: return 86_400_000
            }
        }
    }

    public var value: Int64
    public var unit: Unit
    @IgnoredSpan public var span: SourceSpan

    public init(value: Int64, unit: Unit, span: SourceSpan = .unknown) {
        self.value = value
        self.unit = unit
        self.span = span
    }

    /// The duration in milliseconds, or `nil` if it overflows.
    public var milliseconds: Int64? {
        let (result, overflow) = value.multipliedReportingOverflow(by: unit.milliseconds)
        return overflow ? nil : result
    }
}
