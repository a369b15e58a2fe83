public import RivuletCore

/// A Flink windowing table-valued function in `FROM`:
///
///     TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]))
///     TABLE(HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]))
///     TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), step, size [, offset]))
///     TABLE(SESSION(TABLE t [PARTITION BY k, ...], DESCRIPTOR(ts), gap))
///
/// The named-argument form (`DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SIZE => ...`) parses
/// to the same node; printing uses the positional form.
public struct WindowTableFunction: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case tumble = "TUMBLE"
        case hop = "HOP"
        case cumulate = "CUMULATE"
        case session = "SESSION"
    }

    public var kind: Kind
    /// The input after `TABLE`.
    public var table: ObjectName
    /// `SESSION(TABLE t PARTITION BY k, ...)`; empty otherwise.
    public var partitionBy: [Expr]
    /// The column in `DESCRIPTOR(...)`.
    public var timeColumn: Identifier
    /// TUMBLE, HOP and CUMULATE: the window size.
    public var size: Expr?
    /// HOP: how far consecutive windows start apart.
    public var slide: Expr?
    /// CUMULATE: the step by which windows grow.
    public var step: Expr?
    /// SESSION: the inactivity gap.
    public var gap: Expr?
    /// TUMBLE, HOP and CUMULATE: the optional alignment offset.
    public var offset: Expr?
    public var alias: Identifier?
    @IgnoredSpan public var span: SourceSpan

    public init(
        kind: Kind, table: ObjectName, partitionBy: [Expr] = [], timeColumn: Identifier, size: Expr? = nil,
        slide: Expr? = nil, step: Expr? = nil, gap: Expr? = nil, offset: Expr? = nil, alias: Identifier? = nil,
        span: SourceSpan = .unknown
    ) {
        self.kind = kind
        self.table = table
        self.partitionBy = partitionBy
        self.timeColumn = timeColumn
        self.size = size
        self.slide = slide
        self.step = step
        self.gap = gap
        self.offset = offset
        self.alias = alias
        self.span = span
    }
}
