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
            try checkWindowedKeys(join, sources: left + right)
            return
        }
        guard let condition = join.condition, case .binary(let equality) = condition, equality.op == .equal else { return }
        try checkTypes(equality, sources: left + right, at: condition.span)
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

    /// The source and column a column reference names, if it names one of `sources`.
    private static func resolve(_ expr: Expr, in sources: [(relation: Relation, qualifier: String)])
        -> (source: (relation: Relation, qualifier: String), column: Int)?
    {
        guard case .column(let column) = expr else { return nil }
        for source in sources {
            if let qualifier = column.qualifier.last?.value.lowercased(), qualifier != source.qualifier.lowercased() { continue }
            if let index = source.relation.schema.firstIndex(of: column.name.value) { return (source, index) }
        }
        return nil
    }

    /// ksqlDB joins only values of one type: `T1.ID{INTEGER} = T2.ID{BIGINT}` is refused.
    private static func checkTypes(_ equality: BinaryExpression, sources: [(relation: Relation, qualifier: String)], at span: SourceSpan) throws(SQLError) {
        guard let left = resolve(equality.left, in: sources), let right = resolve(equality.right, in: sources) else { return }
        let leftType = left.source.relation.schema[left.column].type
        let rightType = right.source.relation.schema[right.column].type
        guard leftType != rightType else { return }
        func side(_ resolved: (source: (relation: Relation, qualifier: String), column: Int), _ type: SQLType) -> String {
            // ksqlDB's names of the types: INTEGER, STRING.
            let typeName = type == .integer ? "INTEGER" : type == .varchar ? "STRING" : type.description.uppercased()
            return "\(name(resolved.source)).\(resolved.source.relation.schema[resolved.column].name.uppercased()){\(typeName)}"
        }
        throw SQLError(.datatypeMismatch, "Invalid join condition: types don't match. Got \(side(left, leftType)) = \(side(right, rightType)).",
                       at: span, hint: "CAST one side to the other's type")
    }

    /// A windowed stream is keyed by its key and window; joining it on another column would
    /// repartition it, which ksqlDB refuses.
    private static func checkWindowedKeys(_ join: Join, sources: [(relation: Relation, qualifier: String)]) throws(SQLError) {
        guard let condition = join.condition, case .binary(let equality) = condition, equality.op == .equal else { return }
        for expr in [equality.left, equality.right] {
            guard let resolved = resolve(expr, in: sources), resolved.source.relation.systemColumn(.windowStart) != nil else { continue }
            if resolved.source.relation.primaryKey != [resolved.column] {
                throw SQLError(.featureNotSupported,
                               "Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.",
                               at: condition.span, hint: "join a windowed source on its key")
            }
        }
    }

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
