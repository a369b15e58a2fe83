public import RivuletCore

/// `PRIMARY KEY (a, b) [NOT ENFORCED]` in a column list.
public struct PrimaryKeyConstraint: Hashable, Sendable {
    public var columns: [Identifier]
    public var notEnforced: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(columns: [Identifier], notEnforced: Bool = true, span: SourceSpan = .unknown) {
        self.columns = columns
        self.notEnforced = notEnforced
        self.span = span
    }
}
