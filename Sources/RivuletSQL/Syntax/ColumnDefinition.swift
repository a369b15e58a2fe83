public import RivuletCore

/// `name TYPE [NOT NULL] [PRIMARY KEY | KEY]` in a column list.
public struct ColumnDefinition: Hashable, Sendable {
    public var name: Identifier
    public var type: SQLType
    public var notNull: Bool
    /// ksqlDB's column-level key marker.
    public var key: ColumnKeyConstraint?
    @IgnoredSpan public var span: SourceSpan

    public init(name: Identifier, type: SQLType, notNull: Bool = false, key: ColumnKeyConstraint? = nil, span: SourceSpan = .unknown) {
        self.name = name
        self.type = type
        self.notNull = notNull
        self.key = key
        self.span = span
    }
}

/// ksqlDB column constraints: `PRIMARY KEY` (tables) or `KEY` (streams).
public enum ColumnKeyConstraint: Hashable, Sendable {
    case primaryKey
    case key
}
