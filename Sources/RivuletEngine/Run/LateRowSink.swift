public import RivuletCore
public import RivuletPlanner
import RivuletRuntime

/// The table `SET 'late-rows.sink'` names: a query also writes the rows it drops as late there,
/// as it writes them to the `rivulet_late_rows` table. Its columns are picked from that table's
/// by name (any subset, any order, with the same types), so the user decides what to keep.
struct LateRowSink {
    let relation: Relation
    /// For each written column, its index among `rivulet_late_rows`' columns.
    private let sourceColumns: [Int]

    /// Checks that every column of `relation` is one of `rivulet_late_rows`' with its type.
    init(_ relation: Relation) throws(SQLError) {
        let table = ErrorLogTable.lateRows.schema
        let offered = table.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        var columns: [Int] = []
        for field in relation.written.schema.fields {
            guard let index = table.firstIndex(of: field.name) else {
                throw SQLError(.invalidParameterValue, "'\(relation.name)' cannot take late rows: column \(field.name) is not a column of rivulet_late_rows",
                               hint: "its columns are \(offered)")
            }
            guard table[index].type == field.type else {
                throw SQLError(.datatypeMismatch,
                               "'\(relation.name)' cannot take late rows: column \(field.name) is \(field.type), rivulet_late_rows has \(table[index].type)",
                               hint: "its columns are \(offered)")
            }
            columns.append(index)
        }
        self.relation = relation
        sourceColumns = columns
    }

    /// The sink's rows for `entries` of query `query`, written with `checkpoint`.
    func batch(_ entries: [LateRow], query: String, checkpoint: Int64?) -> RowBatch {
        var batch = RowBatch(types: relation.written.schema.types)
        for entry in entries {
            var line = entry.jsonFields
            line["query"] = query
            line["checkpoint"] = checkpoint
            let values = ErrorLogTable.lateRows.values(line)
            batch.appendRow(sourceColumns.map { values[$0] })
        }
        return batch
    }
}

extension Engine {
    /// The relation `SET 'late-rows.sink'` names, checked; nil when none is set.
    func lateRowSink() throws(SQLError) -> Relation? {
        guard let name = settings.lateRowSink else { return nil }
        guard let relation = catalog.relation(named: name) else {
            throw SQLError(.undefinedTable, "'\(Settings.lateRowSinkKey)' names '\(name)', which does not exist",
                           hint: "create the table first, with columns of rivulet_late_rows")
        }
        _ = try LateRowSink(relation)
        try registry.factory(for: relation.connector).validate(relation, asSink: true)
        return relation
    }
}
