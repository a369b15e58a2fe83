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
        try checkCondition(of: join, left: left, right: right[0])
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
        try checkTypes(equality, sources: left + right, at: condition.span)
        if foreignKey(of: join, left: left, right: table) != nil {
            if join.kind == .right || join.kind == .full {
                throw SQLError(.featureNotSupported, "\(join.kind == .right ? "RIGHT" : "FULL") OUTER JOIN on a foreign key is not supported",
                               at: join.span, hint: "use an INNER or LEFT join, or join on the left table's primary key")
            }
            return
        }
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

    typealias Source = (relation: Relation, qualifier: String)

    /// The left table's side of a foreign-key join: a table–table join whose right side is the
    /// right table's one-column primary key and whose left side is anything but the left table's
    /// key (a value column or an expression); nil for any other join.
    static func foreignKey(of join: Join, left: [Source], right: Source) -> Expr? {
        guard left.count == 1, left[0].relation.kind == .table, right.relation.kind == .table, right.relation.primaryKey.count == 1,
              let condition = join.condition, case .binary(let equality) = condition, equality.op == .equal else { return nil }
        let all = left + [right]
        for (rightSide, leftSide) in [(equality.right, equality.left), (equality.left, equality.right)] {
            guard case .column(let column) = rightSide, owners(of: rightSide, among: all) == [1],
                  right.relation.schema.firstIndex(of: column.name.value) == right.relation.primaryKey[0],
                  owners(of: leftSide, among: all) == [0] else { continue }
            if case .column(let leftColumn) = leftSide, left[0].relation.primaryKey.count == 1,
               left[0].relation.schema.firstIndex(of: leftColumn.name.value) == left[0].relation.primaryKey[0] {
                return nil
            }
            return leftSide
        }
        return nil
    }

    /// ksqlDB's checks of one join's `ON`: no self join, one equality, each side naming the
    /// columns of exactly one source and one side the joined source's; windowed sources only
    /// with windowed sources of the same kind, joined on their keys without a repartition; and
    /// sources joined on their keys with as many partitions.
    private static func checkCondition(of join: Join, left: [Source], right: Source) throws(SQLError) {
        if let same = left.first(where: { $0.relation.name.lowercased() == right.relation.name.lowercased() }) {
            throw SQLError(.featureNotSupported, "Can not join '\(same.relation.name.uppercased())' to '\(right.relation.name.uppercased())': self joins are not yet supported.",
                           at: join.span)
        }
        guard let condition = join.condition, case .binary(let equality) = condition else { return }
        if equality.op == .and {
            throw SQLError(.featureNotSupported, "Invalid join condition: joins on multiple conditions are not yet supported. Got \(condition).",
                           at: condition.span, hint: "join on one equality and filter the rest in WHERE")
        }
        guard equality.op == .equal else { return }
        let all = left + [right]
        for side in [equality.left, equality.right] where owners(of: side, among: all).count != 1 {
            throw SQLError(.featureNotSupported,
                           "Invalid comparison expression '\(side)' in join '(\(condition))'. Each side of the join comparision must contain references from exactly one source.",
                           at: side.span)
        }
        let leftOwner = owners(of: equality.left, among: all).first!, rightOwner = owners(of: equality.right, among: all).first!
        let joined = all.count - 1
        guard leftOwner == joined || rightOwner == joined else {
            throw SQLError(.featureNotSupported,
                           "A join criteria is expected to reference the source (`\(name(right))`) in the FROM clause, instead the right source references `\(name(all[rightOwner]))` and the left source references `\(name(all[leftOwner]))`",
                           at: condition.span)
        }
        let leftSide = leftOwner == joined ? equality.right : equality.left
        let rightSide = leftOwner == joined ? equality.left : equality.right
        let leftSource = all[leftOwner == joined ? rightOwner : leftOwner]
        let onKeys = isKey(leftSide, of: leftSource) && isKey(rightSide, of: right)
        try checkWindows(leftSource, right, onKeys: onKeys, at: condition.span)
        if onKeys, let leftCount = leftSource.relation.connector["partitions"].flatMap(Int.init),
           let rightCount = right.relation.connector["partitions"].flatMap(Int.init), leftCount != rightCount {
            throw SQLError(.featureNotSupported,
                           "Can't join `\(name(leftSource))` with `\(name(right))` since the number of partitions don't match. `\(name(leftSource))` partitions = \(leftCount); `\(name(right))` partitions = \(rightCount). Please repartition either one so that the number of partitions match.",
                           at: join.span)
        }
    }

    private static func checkWindows(_ left: Source, _ right: Source, onKeys: Bool, at span: SourceSpan) throws(SQLError) {
        let leftWindow = left.relation.connector["window_type"]?.uppercased(), rightWindow = right.relation.connector["window_type"]?.uppercased()
        guard leftWindow != nil || rightWindow != nil else { return }
        func described(_ source: Source, _ window: String?) -> String {
            "`\(name(source))` is \(window.map { "\($0) windowed" } ?? "not windowed")"
        }
        guard let leftWindow, let rightWindow else {
            throw SQLError(.featureNotSupported,
                           "Can not join windowed source to non-windowed source.\n\(described(left, leftWindow))\n\(described(right, rightWindow))", at: span)
        }
        if (leftWindow == "SESSION") != (rightWindow == "SESSION") {
            throw SQLError(.featureNotSupported,
                           "Incompatible windowed sources.\nLeft source: \(leftWindow)\nRight source: \(rightWindow)\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources",
                           at: span)
        }
        // Keys in the KAFKA format carry no window type or size: windows that differ make them
        // different keys, so the join would have to re-key a windowed source.
        func keyFormat(_ source: Source) -> String { (source.relation.connector["key_format"] ?? source.relation.connector["format"] ?? "KAFKA").uppercased() }
        let differentWindows = leftWindow != rightWindow || left.relation.connector["window_size"] != right.relation.connector["window_size"]
        if !onKeys || (differentWindows && keyFormat(left) == "KAFKA" && keyFormat(right) == "KAFKA") {
            throw SQLError(.featureNotSupported, "Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.",
                           at: span, hint: "join windowed sources on their keys")
        }
    }

    /// Whether `expr` is the source's one key column.
    private static func isKey(_ expr: Expr, of source: Source) -> Bool {
        guard case .column(let column) = expr, source.relation.primaryKey.count == 1 else { return false }
        return source.relation.schema.firstIndex(of: column.name.value) == source.relation.primaryKey[0]
    }

    /// The indices of the sources whose columns `expr` names (a qualified name its qualifier's,
    /// an unqualified one every source's that has it).
    static func owners(of expr: Expr, among sources: [Source]) -> [Int] {
        var found = Set<Int>()
        func visit(_ expr: Expr) {
            if case .column(let column) = expr {
                if let qualifier = column.qualifier.last?.value.lowercased() {
                    if let index = sources.firstIndex(where: { $0.qualifier.lowercased() == qualifier }) { found.insert(index) }
                } else {
                    for (index, source) in sources.enumerated() where source.relation.schema.firstIndex(of: column.name.value) != nil { found.insert(index) }
                }
            }
            for child in expr.children { visit(child) }
        }
        visit(expr)
        return found.sorted()
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
