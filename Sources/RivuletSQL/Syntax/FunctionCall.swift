public import RivuletCore

/// `name([DISTINCT] args [ORDER BY ...])` or `name(*)`, optionally followed by `FILTER (WHERE cond)`
/// and `OVER (...)`.
public struct FunctionCall: Hashable, Sendable {
    public var name: ObjectName
    public var distinct: Bool
    public var arguments: [Expr]
    /// `array_agg(x ORDER BY y)`: the order an aggregate takes its values in.
    public var orderBy: [OrderByItem] = []
    /// `COUNT(*)`: the argument list is a lone `*` (and `arguments` is empty).
    public var isStar: Bool
    /// `FILTER (WHERE cond)` after an aggregate.
    public var filter: Expr?
    /// `OVER (PARTITION BY ... ORDER BY ... [frame])`
    public var over: WindowSpecification?
    /// The clauses of a SQL/JSON function (`RETURNING`, `... ON EMPTY`, `KEY ... VALUE`, ...);
    /// nil for every other call.
    public var json: JSONClauses?
    @IgnoredSpan public var span: SourceSpan

    public init(
        name: ObjectName, distinct: Bool = false, arguments: [Expr] = [], isStar: Bool = false, filter: Expr? = nil,
        over: WindowSpecification? = nil, span: SourceSpan = .unknown
    ) {
        self.name = name
        self.distinct = distinct
        self.arguments = arguments
        self.isStar = isStar
        self.filter = filter
        self.over = over
        self.span = span
    }

    /// The function name upper-cased, for matching against built-ins (`count` → `COUNT`).
    public var upperName: String { name.name.value.uppercased() }
}

/// `OVER (PARTITION BY a ORDER BY b DESC [ROWS|RANGE BETWEEN ... AND ...])`, or `OVER w` naming a
/// window of the query's `WINDOW w AS (...)` clause.
public struct WindowSpecification: Hashable, Sendable {
    /// `OVER w`: the named window this one is (the other fields are then empty).
    public var name: Identifier?
    public var partitionBy: [Expr]
    public var orderBy: [OrderByItem]
    public var frame: WindowFrame?
    @IgnoredSpan public var span: SourceSpan

    public init(
        name: Identifier? = nil, partitionBy: [Expr] = [], orderBy: [OrderByItem] = [], frame: WindowFrame? = nil,
        span: SourceSpan = .unknown
    ) {
        self.name = name
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.span = span
    }
}

/// `ROWS|RANGE BETWEEN start AND end`, or `ROWS|RANGE start` (end = current row).
public struct WindowFrame: Hashable, Sendable {
    public enum Units: String, Hashable, Sendable {
        case rows = "ROWS"
        case range = "RANGE"
    }

    public var units: Units
    public var start: FrameBound
    /// `nil` for the single-bound form.
    public var end: FrameBound?

    public init(units: Units, start: FrameBound, end: FrameBound? = nil) {
        self.units = units
        self.start = start
        self.end = end
    }
}

/// One end of a window frame.
public enum FrameBound: Hashable, Sendable {
    case unboundedPreceding
    case preceding(Expr)
    case currentRow
    case following(Expr)
    case unboundedFollowing
}

/// `name AS (window specification)` in a query's `WINDOW` clause (Flink's named OVER windows).
public struct NamedWindow: Hashable, Sendable {
    public var name: Identifier
    public var specification: WindowSpecification

    public init(name: Identifier, specification: WindowSpecification) {
        self.name = name
        self.specification = specification
    }
}
