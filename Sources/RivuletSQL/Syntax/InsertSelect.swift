public import RivuletCore

/// `INSERT INTO target [(a, b)] query` — a persistent query into an existing sink or stream.
public struct InsertSelect: Hashable, Sendable {
    public var target: ObjectName
    /// Empty when the statement names no columns.
    public var columns: [Identifier]
    public var query: Query
    @IgnoredSpan public var span: SourceSpan

    public init(target: ObjectName, columns: [Identifier] = [], query: Query, span: SourceSpan = .unknown) {
        self.target = target
        self.columns = columns
        self.query = query
        self.span = span
    }
}
