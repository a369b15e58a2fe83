public import RivuletCore

/// `EXPLAIN [PLAN FOR] statement` or `EXPLAIN query_id`.
public struct Explain: Hashable, Sendable {
    public var target: ExplainTarget
    @IgnoredSpan public var span: SourceSpan

    public init(target: ExplainTarget, span: SourceSpan = .unknown) {
        self.target = target
        self.span = span
    }
}

/// What `EXPLAIN` explains.
public indirect enum ExplainTarget: Hashable, Sendable {
    case statement(Statement)
    /// A running query, by id (`CSAS_OUT_0`, `q3`, `'query-1'`).
    case queryId(String)
}
