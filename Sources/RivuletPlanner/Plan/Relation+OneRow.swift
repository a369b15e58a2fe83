public import RivuletCore

extension Relation {
    /// The `connector` of the built-in one-row relation.
    public static let oneRowConnector = "values"

    /// What a SELECT without FROM reads: one row of no columns, then the end. Its expressions
    /// are evaluated once over that row, so `SELECT 1 + 1` returns one row, `SELECT 1 WHERE
    /// false` none, and `SELECT COUNT(*)` counts 1. No user statement can name it.
    public static let oneRow = Relation(
        name: "(values)", kind: .stream, schema: Schema([]),
        connector: ConnectorSpec(connector: oneRowConnector, options: [:]))

    /// Whether this is the built-in one-row relation.
    public var isOneRow: Bool { connector.connector == Relation.oneRowConnector }
}
