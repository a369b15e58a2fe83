public import RivuletCore

/// `name TYPE [NOT NULL] [PRIMARY KEY | KEY]` in a column list, Flink's metadata column
/// `name TYPE METADATA [FROM 'key'] [VIRTUAL]`, or Flink's computed column `name AS expression`.
public struct ColumnDefinition: Hashable, Sendable {
    public var name: Identifier
    /// The declared type; `.null` for a computed column, whose expression gives its type.
    public var type: SQLType
    /// A computed column's expression over the relation's other columns, evaluated as rows are read.
    public var computed: Expr?
    /// A metadata column's source: what the connector knows of each record (`'timestamp'`, `'op_ts'`).
    public var metadata: MetadataSource?
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

    /// `name AS expression`.
    public init(name: Identifier, computed: Expr, span: SourceSpan = .unknown) {
        self.init(name: name, type: .null, span: span)
        self.computed = computed
    }
}

/// `METADATA [FROM 'key'] [VIRTUAL]`: the key defaults to the column's name.
public struct MetadataSource: Hashable, Sendable {
    public var key: String?
    public var isVirtual: Bool

    public init(key: String?, isVirtual: Bool) {
        self.key = key
        self.isVirtual = isVirtual
    }
}

/// ksqlDB column constraints: `PRIMARY KEY` (tables) or `KEY` (streams).
public enum ColumnKeyConstraint: Hashable, Sendable {
    case primaryKey
    case key
}
