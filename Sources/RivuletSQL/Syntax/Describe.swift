public import RivuletCore

/// `DESCRIBE [EXTENDED] [STREAM|TABLE] name [EXTENDED]` (also `DESC`).
public struct Describe: Hashable, Sendable {
    public var name: ObjectName
    /// Set when the statement says `STREAM` or `TABLE`.
    public var kind: RelationKind?
    public var extended: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(name: ObjectName, kind: RelationKind? = nil, extended: Bool = false, span: SourceSpan = .unknown) {
        self.name = name
        self.kind = kind
        self.extended = extended
        self.span = span
    }
}
