public import RivuletCore

/// Flink's row pattern recognition over one input:
///
///     input MATCH_RECOGNIZE (
///       [PARTITION BY exprs] ORDER BY items
///       [MEASURES expr AS name, ...]
///       [ONE ROW PER MATCH | ALL ROWS PER MATCH]
///       [AFTER MATCH SKIP {PAST LAST ROW | TO NEXT ROW | TO FIRST v | TO LAST v}]
///       PATTERN (pattern) [WITHIN interval]
///       [DEFINE v AS condition, ...]
///     ) [[AS] alias]
///
/// The parser accepts the standard's pattern forms (alternation, groups, PERMUTE) so that the
/// planner can refuse what Flink does not support with a position.
public struct MatchRecognize: Hashable, Sendable {
    /// `ONE ROW PER MATCH` or `ALL ROWS PER MATCH`.
    public enum RowsPerMatch: Hashable, Sendable {
        case one
        case all
    }

    /// Where matching resumes after a match.
    public enum AfterMatchSkip: Hashable, Sendable {
        case pastLastRow
        case toNextRow
        case toFirst(Identifier)
        case toLast(Identifier)
    }

    /// `expr AS name` of MEASURES.
    public struct Measure: Hashable, Sendable {
        public var expr: Expr
        public var name: Identifier

        public init(expr: Expr, name: Identifier) {
            self.expr = expr
            self.name = name
        }
    }

    /// `name AS condition` of DEFINE.
    public struct Definition: Hashable, Sendable {
        public var name: Identifier
        public var condition: Expr

        public init(name: Identifier, condition: Expr) {
            self.name = name
            self.condition = condition
        }
    }

    /// The relation matched: a named table or a subquery.
    public var input: TableReference
    public var partitionBy: [Expr]
    public var orderBy: [OrderByItem]
    public var measures: [Measure]
    public var rowsPerMatch: RowsPerMatch?
    /// Where `ONE ROW PER MATCH` / `ALL ROWS PER MATCH` was written.
    @IgnoredSpan public var rowsPerMatchSpan: SourceSpan = .unknown
    public var afterMatch: AfterMatchSkip?
    public var pattern: RowPattern
    /// `WITHIN INTERVAL '...' unit`, Flink's bound on a match's duration.
    public var within: Expr?
    public var definitions: [Definition]
    public var alias: Identifier?
    @IgnoredSpan public var span: SourceSpan

    public init(
        input: TableReference, partitionBy: [Expr] = [], orderBy: [OrderByItem], measures: [Measure] = [],
        rowsPerMatch: RowsPerMatch? = nil, afterMatch: AfterMatchSkip? = nil, pattern: RowPattern, within: Expr? = nil,
        definitions: [Definition] = [], alias: Identifier? = nil, span: SourceSpan = .unknown
    ) {
        self.input = input
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.measures = measures
        self.rowsPerMatch = rowsPerMatch
        self.afterMatch = afterMatch
        self.pattern = pattern
        self.within = within
        self.definitions = definitions
        self.alias = alias
        self.span = span
    }
}

/// A row pattern: variables with quantifiers, concatenated, grouped, alternated or permuted.
public indirect enum RowPattern: Hashable, Sendable {
    /// `v` with an optional quantifier.
    case variable(Identifier, PatternQuantifier?)
    /// `p1 p2 ...`
    case sequence([RowPattern])
    /// `p1 | p2 | ...`
    case alternation([RowPattern], IgnoredSpan)
    /// `( p ) quantifier?`
    case group(RowPattern, PatternQuantifier?, IgnoredSpan)
    /// `PERMUTE(p1, p2, ...)`
    case permute([RowPattern], IgnoredSpan)
}

/// `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` or `{,m}`, reluctant when followed by `?`.
public struct PatternQuantifier: Hashable, Sendable {
    public var min: Int
    /// nil: no upper bound.
    public var max: Int?
    public var reluctant: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(min: Int, max: Int?, reluctant: Bool = false, span: SourceSpan = .unknown) {
        self.min = min
        self.max = max
        self.reluctant = reluctant
        self.span = span
    }
}
