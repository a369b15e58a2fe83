public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'values'`: the built-in one-row, zero-column relation a SELECT without FROM
/// reads (`Relation.oneRow`). It cannot be declared or written to.
public struct ValuesConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { [Relation.oneRowConnector] }

    /// Refuses every declaration: only the planner makes this relation, with no columns.
    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        throw SQLError(.featureNotSupported, "connector '\(Relation.oneRowConnector)' is built in: it is what a SELECT without FROM reads",
                       hint: "to try expressions, write SELECT without FROM, e.g. SELECT 1 + 1")
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        if let elements = relation.connector.options[Relation.valuesElementsOption] {
            // UNNEST's elements: one VARCHAR column.
            var batch = RowBatch(types: columns.map { relation.schema[$0].type })
            let values = elements.isEmpty ? [] : elements.components(separatedBy: Relation.valuesElementSeparator)
            for value in values { batch.appendRow(columns.map { _ in .string(value) }) }
            return HeldBatchReader(batch: batch)
        }
        guard relation.schema.count == 0, columns.isEmpty else {
            throw SQLError(.featureNotSupported, "connector '\(Relation.oneRowConnector)' has no columns; '\(relation.name)' declares some")
        }
        return OneRowSourceReader()
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        throw SQLError(.featureNotSupported, "connector '\(Relation.oneRowConnector)' is a source only; '\(relation.name)' cannot be written to")
    }
}
