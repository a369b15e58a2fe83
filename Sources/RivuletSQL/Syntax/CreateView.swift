public import RivuletCore

/// `CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(a, b)] AS query`
public struct CreateView: Hashable, Sendable {
    public var temporary: Bool
    public var ifNotExists: Bool
    public var name: ObjectName
    public var columns: [Identifier]
    public var query: Query
    @IgnoredSpan public var span: SourceSpan

    public init(temporary: Bool = false, ifNotExists: Bool = false, name: ObjectName, columns: [Identifier] = [], query: Query, span: SourceSpan = .unknown) {
        self.temporary = temporary
        self.ifNotExists = ifNotExists
        self.name = name
        self.columns = columns
        self.query = query
        self.span = span
    }
}
