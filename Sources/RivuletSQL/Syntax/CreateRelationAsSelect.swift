public import RivuletCore

/// `CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name [WITH (...)] AS query` — ksqlDB CSAS / CTAS
/// (Flink CTAS spells it the same way).
public struct CreateRelationAsSelect: Hashable, Sendable {
    public var kind: RelationKind
    public var orReplace: Bool
    public var ifNotExists: Bool
    public var name: ObjectName
    public var options: [TableOption]
    public var query: Query
    @IgnoredSpan public var span: SourceSpan

    public init(
        kind: RelationKind, orReplace: Bool = false, ifNotExists: Bool = false, name: ObjectName,
        options: [TableOption] = [], query: Query, span: SourceSpan = .unknown
    ) {
        self.kind = kind
        self.orReplace = orReplace
        self.ifNotExists = ifNotExists
        self.name = name
        self.options = options
        self.query = query
        self.span = span
    }

    public func option(_ key: String) -> OptionValue? {
        TableOption.lookup(key, in: options)
    }
}
