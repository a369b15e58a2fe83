import RivuletCore
import RivuletPlanner
import RivuletSQL

/// ksqlDB's rules for the select list of a persistent query over its Kafka relations: the
/// names a result column may not take, the sources it may not read, and the types its
/// aggregates have.
enum KsqlProjectionRules {
    /// A window's bounds are system columns: no result column may be aliased to their names.
    static func checkAliases(_ select: Select) throws(SQLError) {
        for case .expression(let item) in select.items {
            guard let alias = item.alias, let column = KsqlSystemColumn(name: alias.value),
                  column == .windowStart || column == .windowEnd else { continue }
            throw SQLError(.duplicateObject, "`\(column.rawValue)` is a reserved column name. You cannot use it as an alias for a column.",
                           at: item.span, hint: "choose another alias")
        }
    }

    /// ksqlDB runs no persistent query over a windowed table.
    static func checkSources(_ sources: [(relation: Relation, qualifier: String)], at span: SourceSpan) throws(SQLError) {
        guard sources.count == 1, sources[0].relation.kind == .table, sources[0].relation.connector["window_type"] != nil else { return }
        throw SQLError(.featureNotSupported, "KSQL does not support persistent queries on windowed tables.", at: span,
                       hint: "query the windowed table with a pull or push query")
    }

    /// Two result columns of one name: ksqlDB's schema holds each name once.
    static func checkDistinctNames(_ names: [String], at span: SourceSpan) throws(SQLError) {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw SQLError(.duplicateColumn, "Duplicate value columns found in schema: `\(name)`", at: span, hint: "alias one of them")
        }
    }

    /// The aggregates whose running state (intermediate value) is a STRUCT, ARRAY or MAP, which
    /// a `DELIMITED` value cannot hold: ksqlDB keeps that state in a topic of the value's format.
    private static let structuredStateAggregates: Set<String> = [
        "AVG", "STDDEV_SAMP", "STDDEV_SAMPLE", "CORRELATION", "COLLECT_LIST", "COLLECT_SET", "HISTOGRAM", "TOPK", "TOPKDISTINCT",
        "COUNT_DISTINCT",
    ]

    static func checkAggregateState(_ select: Select, valueFormat: String?, at span: SourceSpan) throws(SQLError) {
        guard valueFormat?.uppercased() == "DELIMITED", !select.groupBy.isEmpty || select.window != nil else { return }
        func structured(_ expr: Expr) -> Bool {
            if case .function(let call) = expr, structuredStateAggregates.contains(call.upperName) { return true }
            return expr.children.contains(where: structured)
        }
        guard select.items.contains(where: { if case .expression(let item) = $0 { structured(item.expr) } else { false } }) else { return }
        throw SQLError(.featureNotSupported,
                       "One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.",
                       at: span, hint: "use VALUE_FORMAT 'JSON'")
    }

    /// ksqlDB compares NULL with anything as false, where SQL gives NULL: a selected comparison
    /// (`a = b AS same`) is written false, not null. Filters are unchanged by it.
    static func comparingNullAsFalse(_ select: Select) -> Select {
        let comparisons: Set<BinaryOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
        func rewrite(_ expr: Expr) -> Expr {
            let rewritten = expr.replacingChildren(rewrite)
            guard case .binary(let binary) = rewritten, comparisons.contains(binary.op) else { return rewritten }
            return .function(FunctionCall(name: ObjectName("COALESCE"), arguments: [rewritten, .literal(Literal(.boolean(false)))]))
        }
        var select = rewritingItems(of: select, rewrite)
        // Grouped and re-keyed by the same expressions as selected.
        select.groupBy = select.groupBy.map(rewrite)
        select.partitionBy = select.partitionBy.map(rewrite)
        return select
    }

    /// ksqlDB's aggregates where SQL's differ: AVG is a DOUBLE whatever it averages (Flink's
    /// keeps an integer argument's type), and SUM starts from 0, so a group of NULLs sums to 0.
    static func aggregatingAsKsqlDB(_ select: Select) -> Select {
        func rewrite(_ expr: Expr) -> Expr {
            guard case .function(var call) = expr, call.over == nil, call.arguments.count == 1 else {
                return expr.replacingChildren(rewrite)
            }
            switch call.upperName {
            case "AVG":
                call.arguments[0] = .cast(Cast(expr: call.arguments[0], type: .double))
                return .function(call)
            case "SUM":
                return .function(FunctionCall(name: ObjectName("COALESCE"), arguments: [expr, .literal(Literal(.number("0")))]))
            default:
                return expr.replacingChildren(rewrite)
            }
        }
        var select = rewritingItems(of: select, rewrite)
        select.having = select.having.map(rewrite)
        return select
    }

    /// ksqlDB's ARRAY_JOIN writes a NULL element as `null`, where Flink's leaves it out unless
    /// given a third argument to write instead, and joins with nothing when the delimiter is NULL.
    static func joiningArraysAsKsqlDB(_ select: Select) -> Select {
        func rewrite(_ expr: Expr) -> Expr {
            let rewritten = expr.replacingChildren(rewrite)
            guard case .function(var call) = rewritten, call.upperName == "ARRAY_JOIN", call.over == nil,
                  (1...2).contains(call.arguments.count) else { return rewritten }
            if call.arguments.count == 1 {
                call.arguments.append(.literal(Literal(.string(","))))
            } else {
                call.arguments[1] = .function(FunctionCall(name: ObjectName("COALESCE"), arguments: [call.arguments[1], .literal(Literal(.string("")))]))
            }
            call.arguments.append(.literal(Literal(.string("null"))))
            return .function(call)
        }
        return rewritingItems(of: select, rewrite)
    }

    /// `select` with `rewrite` applied to each selected expression.
    private static func rewritingItems(of select: Select, _ rewrite: (Expr) -> Expr) -> Select {
        var select = select
        for index in select.items.indices {
            guard case .expression(var item) = select.items[index] else { continue }
            item.expr = rewrite(item.expr)
            select.items[index] = .expression(item)
        }
        return select
    }
}

extension KsqlProjectionRules {
    /// The select list with each `s->*` replaced by `s->f AS f` for every field `f` of the
    /// STRUCT `s` (a source's column or a field path from one), so names and keys are worked
    /// out as for fields selected one by one.
    static func expandingStructFields(_ select: Select, sources: [(relation: Relation, qualifier: String)]) throws(SQLError) -> Select {
        var select = select
        var items: [SelectItem] = []
        for item in select.items {
            guard case .wildcard(let wildcard) = item, let base = wildcard.fieldsOf else {
                items.append(item)
                continue
            }
            guard case .row(let fields) = try type(of: base, sources: sources) else {
                throw SQLError(.datatypeMismatch, "->* takes the fields of a STRUCT, not of \(base)", at: wildcard.span)
            }
            for field in fields {
                let name = Identifier(field.name, quoted: true, span: wildcard.span)
                let access = Expr.fieldAccess(FieldAccess(base: base, field: name, arrow: true, span: wildcard.span))
                items.append(.expression(SelectExpression(expr: access, alias: name, span: wildcard.span)))
            }
        }
        select.items = items
        return select
    }

    /// The type of a column of `sources` or a field path from one; nil for another expression.
    private static func type(of expr: Expr, sources: [(relation: Relation, qualifier: String)]) throws(SQLError) -> SQLType? {
        switch expr {
        case .column(let reference):
            let qualifier = reference.qualifier.last?.value.lowercased()
            for source in sources where qualifier == nil || source.qualifier.lowercased() == qualifier {
                if let index = source.relation.schema.firstIndex(of: reference.name.value) { return source.relation.schema[index].type }
            }
            return nil
        case .fieldAccess(let access):
            guard case .row(let fields) = try type(of: access.base, sources: sources) else { return nil }
            let field = fields.first { $0.name == access.field.value }
                ?? (access.field.quoted ? nil : fields.first { $0.name.uppercased() == access.field.value.uppercased() })
            return field?.type
        default:
            return nil
        }
    }
}
