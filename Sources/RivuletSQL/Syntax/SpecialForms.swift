public import RivuletCore

/// `CAST(expr AS type)` or `TRY_CAST(expr AS type)` (NULL instead of an error).
public struct Cast: Hashable, Sendable {
    public var expr: Expr
    public var type: SQLType
    public var isTry: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, type: SQLType, isTry: Bool = false, span: SourceSpan = .unknown) {
        self.expr = expr
        self.type = type
        self.isTry = isTry
        self.span = span
    }
}

/// `EXTRACT(field FROM expr)`
public struct Extract: Hashable, Sendable {
    public var field: DateTimeField
    public var expr: Expr
    @IgnoredSpan public var span: SourceSpan

    public init(field: DateTimeField, expr: Expr, span: SourceSpan = .unknown) {
        self.field = field
        self.expr = expr
        self.span = span
    }
}

/// `SUBSTRING(expr FROM start [FOR length])`, also spelt `SUBSTRING(expr, start [, length])`.
public struct SubstringCall: Hashable, Sendable {
    public var expr: Expr
    public var start: Expr
    public var length: Expr?
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, start: Expr, length: Expr? = nil, span: SourceSpan = .unknown) {
        self.expr = expr
        self.start = start
        self.length = length
        self.span = span
    }
}

/// `TRIM([BOTH|LEADING|TRAILING] [characters] FROM expr)` or `TRIM(expr)`.
public struct Trim: Hashable, Sendable {
    public enum Side: String, Hashable, Sendable {
        case both = "BOTH"
        case leading = "LEADING"
        case trailing = "TRAILING"
    }

    /// `nil` when no side was written (both).
    public var side: Side?
    /// The characters to remove; `nil` means spaces.
    public var characters: Expr?
    public var expr: Expr
    @IgnoredSpan public var span: SourceSpan

    public init(side: Side? = nil, characters: Expr? = nil, expr: Expr, span: SourceSpan = .unknown) {
        self.side = side
        self.characters = characters
        self.expr = expr
        self.span = span
    }
}

/// `CURRENT_TIMESTAMP`, `CURRENT_DATE`, `CURRENT_TIME`, `LOCALTIMESTAMP`, `LOCALTIME`.
public struct CurrentDateTime: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case currentTimestamp = "CURRENT_TIMESTAMP"
        case currentDate = "CURRENT_DATE"
        case currentTime = "CURRENT_TIME"
        case localTimestamp = "LOCALTIMESTAMP"
        case localTime = "LOCALTIME"
    }

    public var kind: Kind
    @IgnoredSpan public var span: SourceSpan

    public init(kind: Kind, span: SourceSpan = .unknown) {
        self.kind = kind
        self.span = span
    }
}

/// A function whose later arguments follow keywords instead of commas, as SQL spells a few:
/// `OVERLAY(s PLACING r FROM 2 [FOR 3])`, `POSITION(a IN b)`, `FLOOR(ts TO DAY)`, `CEIL(ts TO HOUR)`.
public struct KeywordCall: Hashable, Sendable {
    /// Upper-cased: `OVERLAY`, `POSITION`, `FLOOR`, `CEIL`.
    public var name: String
    /// At least one.
    public var arguments: [Expr]
    /// The keyword before each argument after the first.
    public var keywords: [String]
    /// `TO unit` after the arguments, for FLOOR and CEIL.
    public var unit: DateTimeField?
    @IgnoredSpan public var span: SourceSpan

    public init(name: String, arguments: [Expr], keywords: [String] = [], unit: DateTimeField? = nil, span: SourceSpan = .unknown) {
        self.name = name
        self.arguments = arguments
        self.keywords = keywords
        self.unit = unit
        self.span = span
    }
}
