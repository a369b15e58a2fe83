public import RivuletCore

/// ksqlDB's window clause:
///
///     WINDOW TUMBLING (SIZE 10 SECONDS [, RETENTION 1 DAY] [, GRACE PERIOD 2 SECONDS])
///     WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS [, RETENTION ...] [, GRACE PERIOD ...])
///     WINDOW SESSION (30 SECONDS [, RETENTION ...] [, GRACE PERIOD ...])
public struct KsqlWindow: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case tumbling = "TUMBLING"
        case hopping = "HOPPING"
        case session = "SESSION"
    }

    public var kind: Kind
    /// The window size; for `SESSION`, the inactivity gap.
    public var size: DurationLiteral
    /// HOPPING: `ADVANCE BY`.
    public var advance: DurationLiteral?
    public var retention: DurationLiteral?
    /// `GRACE PERIOD`; `nil` means ksqlDB's default.
    public var grace: DurationLiteral?
    @IgnoredSpan public var span: SourceSpan

    public init(
        kind: Kind, size: DurationLiteral, advance: DurationLiteral? = nil, retention: DurationLiteral? = nil,
        grace: DurationLiteral? = nil, span: SourceSpan = .unknown
    ) {
        self.kind = kind
        self.size = size
        self.advance = advance
        self.retention = retention
        self.grace = grace
        self.span = span
    }
}
