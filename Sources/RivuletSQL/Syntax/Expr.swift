public import RivuletCore

/// A scalar expression. Parentheses leave no node: the tree's shape carries the grouping, and
/// printing adds the parentheses precedence needs.
public indirect enum Expr: Hashable, Sendable {
    /// `a`, `t.a`, `db.t.a`
    case column(ColumnReference)
    /// `1`, `'x'`, `TRUE`, `NULL`, `INTERVAL '10' SECOND`, `TIMESTAMP '...'`, `DATE '...'`
    case literal(Literal)
    /// `$1`: a parameter of a prepared statement.
    case parameter(Parameter)
    /// `NOT x`, `-x`, `+x`
    case unary(UnaryExpression)
    /// `a + b`, `a AND b`, `a || b`, `a <> b`, ...
    case binary(BinaryExpression)
    /// `x IS [NOT] NULL`
    case isNull(IsNull)
    /// `x IS [NOT] JSON [VALUE|OBJECT|ARRAY|SCALAR]`
    case isJSON(IsJSON)
    /// `x [NOT] LIKE pattern [ESCAPE c]`
    case like(Like)
    /// `x [NOT] IN (a, b, ...)`
    case inList(InList)
    /// `x [NOT] IN (SELECT ...)`
    case inSubquery(InSubquery)
    /// `x [NOT] BETWEEN low AND high`
    case between(Between)
    /// `f(args)`, `COUNT(*)`, `COUNT(DISTINCT x) FILTER (WHERE ...)`, `ROW_NUMBER() OVER (...)`,
    /// and Flink's group-window functions (`TUMBLE(ts, ...)`, `TUMBLE_START(...)`, `HOP_END(...)`).
    case function(FunctionCall)
    /// `CASE [operand] WHEN ... THEN ... [ELSE ...] END`
    case caseWhen(CaseExpression)
    /// `CAST(x AS type)`, `TRY_CAST(x AS type)`
    case cast(Cast)
    /// `EXTRACT(field FROM x)`
    case extract(Extract)
    /// `SUBSTRING(s FROM start [FOR length])` or `SUBSTRING(s, start [, length])`
    case substring(SubstringCall)
    /// `TRIM([BOTH|LEADING|TRAILING] [chars] FROM s)` or `TRIM(s)`
    case trim(Trim)
    /// `OVERLAY(s PLACING r FROM n [FOR len])`, `POSITION(a IN b)`, `FLOOR(ts TO DAY)`
    case keywordCall(KeywordCall)
    /// `CURRENT_TIMESTAMP`, `CURRENT_DATE`, ... (no parentheses)
    case currentDateTime(CurrentDateTime)
    /// `(SELECT ...)` yielding one value
    case scalarSubquery(ScalarSubquery)
    /// `[NOT] EXISTS (SELECT ...)`
    case exists(Exists)
    /// `ARRAY[...]`, `MAP[...]`, `ROW(...)`, `STRUCT(a := ...)`, `MAP(k := v)`
    case constructor(NestedConstructor)
    /// `a[i]`, `m[key]`
    case `subscript`(Subscript)
    /// `s->field`, `(expr).field`
    case fieldAccess(FieldAccess)

    public var span: SourceSpan {
        switch self {
        case .column(let e): return e.span
        case .literal(let e): return e.span
        case .parameter(let e): return e.span
        case .unary(let e): return e.span
        case .binary(let e): return e.span
        case .isNull(let e): return e.span
        case .isJSON(let e): return e.span
        case .like(let e): return e.span
        case .inList(let e): return e.span
        case .inSubquery(let e): return e.span
        case .between(let e): return e.span
        case .function(let e): return e.span
        case .caseWhen(let e): return e.span
        case .cast(let e): return e.span
        case .extract(let e): return e.span
        case .substring(let e): return e.span
        case .trim(let e): return e.span
        case .keywordCall(let e): return e.span
        case .currentDateTime(let e): return e.span
        case .scalarSubquery(let e): return e.span
        case .exists(let e): return e.span
        case .constructor(let e): return e.span
        case .subscript(let e): return e.span
        case .fieldAccess(let e): return e.span
        }
    }
}

/// `a`, `t.a` or `db.t.a`: a column, possibly qualified (or a field of a row column; the binder decides).
public struct ColumnReference: Hashable, Sendable {
    /// At least one part; the last is the column name.
    public var parts: [Identifier]

    public init(_ parts: [Identifier]) {
        self.parts = parts
    }

    public init(_ name: String) {
        self.parts = [Identifier(name)]
    }

    public var name: Identifier { parts[parts.count - 1] }
    /// Everything before the column name (`t` in `t.a`).
    public var qualifier: [Identifier] { Array(parts.dropLast()) }

    public var span: SourceSpan {
        guard let first = parts.first, let last = parts.last else { return .unknown }
        return first.span.union(last.span)
    }
}

/// `$n`: the n-th (1-based) parameter of a prepared statement.
public struct Parameter: Hashable, Sendable {
    public var index: Int
    @IgnoredSpan public var span: SourceSpan

    public init(index: Int, span: SourceSpan = .unknown) {
        self.index = index
        self.span = span
    }
}
