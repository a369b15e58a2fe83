import RivuletCore
import RivuletPlanner
import RivuletSQL

/// The joins ksqlDB refuses, with its messages: a table joined to a stream (only stream–table
/// joins exist), and a join whose table side is not that table's primary key (a stream–table
/// join looks rows up by key, and a table–table join needs the right table's key).
enum KsqlJoinRules {
    static func check(_ reference: TableReference, catalog: some Catalog) throws(SQLError) {
        guard case .join(let join) = reference else { return }
        try check(join.left, catalog: catalog)
        var left: [(relation: Relation, qualifier: String)] = []
        var right: [(relation: Relation, qualifier: String)] = []
        KsqlKafkaSink.collect(join.left, catalog: catalog, into: &left)
        KsqlKafkaSink.collect(join.right, catalog: catalog, into: &right)
        guard right.count == 1, !left.isEmpty, (left + right).allSatisfy({ $0.relation.isKsqlKafka }) else { return }
        let table = right[0]
        let leftIsStream = left.contains { $0.relation.kind == .stream }
        if table.relation.kind == .stream {
            if !leftIsStream {
                throw SQLError(.featureNotSupported,
                               "Invalid join order: table-stream joins are not supported; only stream-table joins. Got \(name(left[0])) \(text(join.kind)) \(name(table)).",
                               at: join.span, hint: "put the stream on the left: FROM stream JOIN table")
            }
            return
        }
        guard let condition = join.condition, case .binary(let equality) = condition, equality.op == .equal else { return }
        func isKeyOfTable(_ expr: Expr) -> Bool? {
            guard case .column(let column) = expr else { return nil }
            if let qualifier = column.qualifier.last?.value.lowercased() {
                guard qualifier == table.qualifier.lowercased() else { return nil }
            } else if table.relation.schema.firstIndex(of: column.name.value) == nil
                        || left.contains(where: { $0.relation.schema.firstIndex(of: column.name.value) != nil }) {
                return nil
            }
            guard let index = table.relation.schema.firstIndex(of: column.name.value) else { return nil }
            return table.relation.primaryKey == [index]
        }
        // The side that names the table's column; a join on an expression of it is no lookup either.
        let tableSide = [equality.left, equality.right].compactMap(isKeyOfTable).first
        guard tableSide == false else { return }
        func qualified(_ expr: Expr) -> String {
            guard case .column(let column) = expr else { return expr.description }
            let owner = (left + right).first { source in
                column.qualifier.last.map { $0.value.lowercased() == source.qualifier.lowercased() }
                    ?? (source.relation.schema.firstIndex(of: column.name.value) != nil)
            }
            return (owner.map(name) ?? "") + "." + column.name.value.uppercased()
        }
        let got = "\(qualified(equality.left)) = \(qualified(equality.right))"
        if leftIsStream {
            throw SQLError(.featureNotSupported, "Invalid join condition: stream-table joins require to join on the table's primary key. Got \(got).",
                           at: condition.span, hint: "join on \(table.relation.primaryKey.map { table.relation.schema[$0].name }.joined(separator: ", "))")
        }
        throw SQLError(.featureNotSupported, "Invalid join condition: table-table joins require to join on the primary key of the right input table. Got \(got).",
                       at: condition.span, hint: "join on \(table.relation.primaryKey.map { table.relation.schema[$0].name }.joined(separator: ", "))")
    }

    private static func name(_ source: (relation: Relation, qualifier: String)) -> String { source.qualifier.uppercased() }

    private static func text(_ kind: Join.Kind) -> String {
        switch kind {
        case .inner: return "[INNER] JOIN"
        case .left: return "LEFT [OUTER] JOIN"
        case .right: return "RIGHT [OUTER] JOIN"
        case .full: return "FULL [OUTER] JOIN"
        case .cross: return "CROSS JOIN"
        }
    }
}
