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

    /// The option of a values relation holding the rows of its one VARCHAR column
    /// (`UNNEST`), separated by `valuesElementSeparator`.
    public static let valuesElementsOption = "elements"
    public static let valuesElementSeparator = "\u{1F}"

    /// The `connector` of the system catalog's relations (`pg_class`, `information_schema.tables`, ...).
    public static let systemCatalogConnector = "system_catalog"

    /// Whether the rows of this relation are a finished snapshot when a query starts: the
    /// system catalog, constant values, and keyed tables (read as they are now).
    public var isSnapshot: Bool {
        kind == .table || connector.connector == Relation.oneRowConnector
            || connector.connector == Relation.systemCatalogConnector
    }

    /// Whether this is the built-in one-row relation.
    public var isOneRow: Bool { connector.connector == Relation.oneRowConnector }
}
