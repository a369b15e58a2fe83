public import RivuletCore

/// `CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name (col TYPE [NOT NULL] [PRIMARY KEY | KEY], ...,
/// [WATERMARK FOR col AS expr], [PRIMARY KEY (a, b) NOT ENFORCED]) [PARTITIONED BY (a, ...)] [WITH (key = value, ...)]`
public struct CreateRelation: Hashable, Sendable {
    public var kind: RelationKind
    public var orReplace: Bool
    public var ifNotExists: Bool
    public var name: ObjectName
    public var columns: [ColumnDefinition]
    public var watermark: WatermarkDefinition?
    /// The table-level `PRIMARY KEY (...)` constraint. ksqlDB's column-level `PRIMARY KEY` / `KEY`
    /// stays on the column (`ColumnDefinition.key`); `primaryKeyColumns` merges both.
    public var primaryKey: PrimaryKeyConstraint?
    /// Flink `PARTITIONED BY (a, b)`.
    public var partitionedBy: [Identifier]
    /// The `WITH (...)` options, in source order.
    public var options: [TableOption]
    @IgnoredSpan public var span: SourceSpan

    public init(
        kind: RelationKind, orReplace: Bool = false, ifNotExists: Bool = false, name: ObjectName,
        columns: [ColumnDefinition], watermark: WatermarkDefinition? = nil, primaryKey: PrimaryKeyConstraint? = nil,
        partitionedBy: [Identifier] = [], options: [TableOption] = [], span: SourceSpan = .unknown
    ) {
        self.kind = kind
        self.orReplace = orReplace
        self.ifNotExists = ifNotExists
        self.name = name
        self.columns = columns
        self.watermark = watermark
        self.primaryKey = primaryKey
        self.partitionedBy = partitionedBy
        self.options = options
        self.span = span
    }

    /// The key columns, from the table constraint or from column-level `PRIMARY KEY` / `KEY`.
    public var primaryKeyColumns: [Identifier] {
        if let primaryKey { return primaryKey.columns }
        return columns.filter { $0.key != nil }.map(\.name)
    }

    /// The value of option `key`, compared case-insensitively (`'connector'` finds `CONNECTOR`).
    public func option(_ key: String) -> OptionValue? {
        TableOption.lookup(key, in: options)
    }
}
