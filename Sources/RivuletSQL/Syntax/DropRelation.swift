public import RivuletCore

/// `DROP STREAM|TABLE|VIEW [IF EXISTS] name [DELETE TOPIC]`
public struct DropRelation: Hashable, Sendable {
    public var kind: RelationKind
    public var ifExists: Bool
    public var name: ObjectName
    /// ksqlDB `DELETE TOPIC`: also delete the backing topic.
    public var deleteTopic: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(kind: RelationKind, ifExists: Bool = false, name: ObjectName, deleteTopic: Bool = false, span: SourceSpan = .unknown) {
        self.kind = kind
        self.ifExists = ifExists
        self.name = name
        self.deleteTopic = deleteTopic
        self.span = span
    }
}
