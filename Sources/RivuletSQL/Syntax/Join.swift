public import RivuletCore

/// `left [INNER|LEFT [OUTER]|RIGHT [OUTER]|FULL [OUTER]|CROSS] JOIN right [WITHIN ...] [ON condition]`
public struct Join: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case inner
        case left
        case right
        case full
        case cross
    }

    public var left: TableReference
    public var kind: Kind
    public var right: TableReference
    /// The `ON` condition; `nil` for `CROSS JOIN` and `USING`.
    public var condition: Expr?
    /// `USING (a, b)`: the columns both sides have, joined on equality and shown once.
    public var using: [Identifier] = []
    /// ksqlDB `WITHIN 10 SECONDS` / `WITHIN (1 SECOND, 2 SECONDS)`.
    public var within: JoinWithin?
    @IgnoredSpan public var span: SourceSpan

    public init(left: TableReference, kind: Kind, right: TableReference, condition: Expr?, within: JoinWithin? = nil, span: SourceSpan = .unknown) {
        self.left = left
        self.kind = kind
        self.right = right
        self.condition = condition
        self.within = within
        self.span = span
    }
}

/// ksqlDB join window: `WITHIN size` (before = after = size) or `WITHIN (before, after)`,
/// optionally `GRACE PERIOD g`.
public struct JoinWithin: Hashable, Sendable {
    public var before: DurationLiteral
    /// `nil` for the one-size form.
    public var after: DurationLiteral?
    public var grace: DurationLiteral?
    @IgnoredSpan public var span: SourceSpan

    public init(before: DurationLiteral, after: DurationLiteral? = nil, grace: DurationLiteral? = nil, span: SourceSpan = .unknown) {
        self.before = before
        self.after = after
        self.grace = grace
        self.span = span
    }
}
