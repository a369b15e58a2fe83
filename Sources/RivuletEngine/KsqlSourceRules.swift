import RivuletConnectors
import RivuletCore
import RivuletSQL

/// What ksqlDB requires of a stream or table it reads from a topic: a table's key is its
/// `PRIMARY KEY`, a stream's its `KEY` columns, a windowed source has one, and columns a schema
/// id pins are not declared too.
enum KsqlSourceRules {
    /// Checks `create`'s `KEY_SCHEMA_ID` and `VALUE_SCHEMA_ID` against the columns it declares,
    /// before any are inferred.
    static func checkSchemaIds(_ create: CreateRelation) throws(SQLError) {
        guard create.option("kafka_topic") != nil, create.option("connector") == nil else { return }
        let keys = Set(create.primaryKeyColumns.map(\.value))
        if create.option("key_schema_id") != nil {
            let format = (create.option("key_format") ?? create.option("format"))?.text ?? "KAFKA"
            if !KafkaRegistryColumns.infers(format: format) {
                throw SQLError(.invalidParameterValue,
                               "KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is \(format.uppercased()).",
                               at: create.span)
            }
            if !keys.isEmpty {
                throw SQLError(.invalidTableDefinition, "Table elements and KEY_SCHEMA_ID cannot both exist for create statement.", at: create.span)
            }
        }
        if create.option("value_schema_id") != nil, create.columns.contains(where: { !keys.contains($0.name.value) }) {
            throw SQLError(.invalidTableDefinition, "Table elements and VALUE_SCHEMA_ID cannot both exist for create statement.", at: create.span)
        }
    }

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
