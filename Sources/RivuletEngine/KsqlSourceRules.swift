import RivuletCore
import RivuletSQL

/// What ksqlDB requires of the key of a stream or table it reads from a topic: a table's key
/// is its `PRIMARY KEY`, a stream's its `KEY` columns, and a windowed source has one.
enum KsqlSourceRules {
    /// Checks `create`, a ksqlDB source (a `KAFKA_TOPIC` and no `connector`) with its columns
    /// complete (after any inferred from a registry).
    static func checkKeys(_ create: CreateRelation) throws(SQLError) {
        guard create.option("kafka_topic") != nil, create.option("connector") == nil else { return }
        let isTable = create.kind == .table
        let misplaced: ColumnKeyConstraint = isTable ? .key : .primaryKey
        if let column = create.columns.first(where: { $0.key == misplaced }) {
            let (written, wanted, noun) = isTable ? ("KEY", "PRIMARY KEY", "tables") : ("PRIMARY KEY", "KEY", "streams")
            throw SQLError(.invalidTableDefinition, "Column `\(column.name.value)` is a '\(written)' column: please use '\(wanted)' for \(noun).",
                           at: column.span)
        }
        let keys = create.primaryKeyColumns
        if isTable, keys.isEmpty {
            throw SQLError(.invalidTableDefinition, "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.", at: create.span)
        }
        if create.option("window_type") != nil, keys.isEmpty {
            throw SQLError(.invalidTableDefinition, "Windowed sources require a key column.", at: create.span)
        }
    }
}
