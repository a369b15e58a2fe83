public import RivuletCore

/// One item of a `FROM` clause.
public indirect enum TableReference: Hashable, Sendable {
    /// `name [[AS] alias]`, optionally `FOR SYSTEM_TIME AS OF expr`.
    case named(NamedTable)
    /// `(query) [[AS] alias [(a, b)]]`
    case derived(DerivedTable)
    /// `TABLE(TUMBLE(...))`, `TABLE(HOP(...))`, `TABLE(SESSION(...))`, `TABLE(CUMULATE(...))`
    case windowFunction(WindowTableFunction)
    /// `UNNEST(array) [[AS] alias]`
    case unnest(UnnestTable)
    /// `left [kind] JOIN right [WITHIN ...] [ON cond]`
    case join(Join)
    /// `input MATCH_RECOGNIZE (...) [[AS] alias]`
    case matchRecognize(MatchRecognize)

    public var span: SourceSpan {
        switch self {
        case .named(let t): return t.span
        case .derived(let t): return t.span
        case .windowFunction(let t): return t.span
        case .unnest(let t): return t.span
        case .join(let j): return j.span
        case .matchRecognize(let m): return m.span
        }
    }

    /// The alias this item is known by, if it has one.
    public var alias: Identifier? {
        switch self {
        case .named(let t): return t.alias
        case .derived(let t): return t.alias
        case .windowFunction(let t): return t.alias
        case .unnest(let t): return t.alias
        case .join: return nil
        case .matchRecognize(let m): return m.alias
        }
    }
}

/// `name [FOR SYSTEM_TIME AS OF expr] [[AS] alias]`
public struct NamedTable: Hashable, Sendable {
    public var name: ObjectName
    /// The temporal-join version time of `FOR SYSTEM_TIME AS OF expr`.
    public var systemTimeAsOf: Expr?
    public var alias: Identifier?
    @IgnoredSpan public var span: SourceSpan

    public init(name: ObjectName, systemTimeAsOf: Expr? = nil, alias: Identifier? = nil, span: SourceSpan = .unknown) {
        self.name = name
        self.systemTimeAsOf = systemTimeAsOf
        self.alias = alias
        self.span = span
    }
}

/// `(query) [[AS] alias [(a, b)]]` — Flink allows the alias to be left out.
public struct DerivedTable: Hashable, Sendable {
    public var query: Query
    public var alias: Identifier?
    /// The names the alias gives the query's columns, in order; empty to keep the query's own.
    public var columns: [Identifier]
    @IgnoredSpan public var span: SourceSpan

    public init(query: Query, alias: Identifier? = nil, columns: [Identifier] = [], span: SourceSpan = .unknown) {
        self.query = query
        self.alias = alias
        self.columns = columns
        self.span = span
    }
}
