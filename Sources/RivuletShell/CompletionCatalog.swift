/// What tab completion knows about the server's objects: the names it offers for streams,
/// tables, views, their columns, connectors with their `WITH` options, functions and query ids.
public struct CompletionCatalog: Sendable, Equatable {
    public var streams: [String]
    public var tables: [String]
    public var views: [String]
    /// Column names by relation name (lower-case key).
    public var columns: [String: [String]]
    /// `WITH` option names by connector name (lower-case key).
    public var connectorOptions: [String: [String]]
    public var functions: [String]
    /// Ids of persistent queries (`q1`, ...), for `TERMINATE` and `EXPLAIN`.
    public var queries: [String]

    public init(
        streams: [String] = [], tables: [String] = [], views: [String] = [], columns: [String: [String]] = [:],
        connectorOptions: [String: [String]] = [:], functions: [String] = [], queries: [String] = []
    ) {
        self.streams = streams
        self.tables = tables
        self.views = views
        self.columns = columns
        self.connectorOptions = connectorOptions
        self.functions = functions
        self.queries = queries
    }

    /// Everything a query reads from: streams, tables and views.
    public var relations: [String] { streams + tables + views }

    public func columns(of relation: String) -> [String] {
        columns[relation.lowercased()] ?? []
    }
}
