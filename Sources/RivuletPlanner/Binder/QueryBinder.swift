public import RivuletCore
public import RivuletSQL

/// Binds a query against the catalog and plans it as an incremental `StreamPlan`.
///
/// `bind(_:)` is the planner's one entry point: it binds the query, choosing each join's
/// strategy as it goes, then applies the plan rules of `PlanOptimizer` (projections pushed into
/// scans, regular joins told which columns to store). The plan it returns is the one that runs
/// and that EXPLAIN shows; callers use it as it is. Filters sit directly on their input, and
/// aggregate arguments are computed in a projection below the aggregate so operators only ever
/// see column references.
public struct QueryBinder {
    let catalog: any Catalog
    /// Common table expressions in scope, by lower-cased name.
    var commonTables: [String: Query] = [:]
    /// The views whose queries are being bound around this one, by lower-cased name: a view
    /// that reads itself (directly or through others) would expand forever.
    var viewsBeingBound: Set<String> = []
    /// `table.exec.state.ttl`: how long a regular join keeps rows no one touched (approximate).
    public var stateTTLMillis: Int64?
    /// The most values ksqlDB's COLLECT_LIST and COLLECT_SET keep; nil keeps every one.
    public var collectLimits: (list: Int?, set: Int?) = (nil, nil)
    /// Called before binding each query block and each relation read; throws to stop planning
    /// (the statement was cancelled, or ran out of time).
    public var checkInterrupted: () throws(SQLError) -> Void = {}
    /// Relations read so far by the statement, shared by the copies binding its parts.
    private let reads = ReadCount()

    /// The most relations one statement may read. A view or common table expression is bound
    /// again wherever it is read, so a few views that each read the previous one twice expand
    /// to a plan of exponential size; past this many reads the statement is refused (54001).
    public static let maxRelationReads = 1000
    /// A client session's parameters, functions and column naming; nil outside a session.
    public var context: BindingContext?
    /// Whether a ksqlDB stream's records without a value are rows of this query (a projection or
    /// `PARTITION BY` of one stream, which writes them again without a value); other queries
    /// skip them, as ksqlDB's joins, filters and aggregations do.
    public var keepsValuelessRecords = false

    public init(catalog: any Catalog) {
        self.catalog = catalog
    }

    /// A counter the copies of one binder share.
    private final class ReadCount {
        var value = 0
    }

    /// The relation an item of FROM reads, with the columns visible from it.
    struct Input {
        var plan: StreamPlan
        var scope: Scope
        /// A window table function's window, whose `window_start`/`window_end`/`window_time`
        /// are the three virtual columns after the input's own.
        var window: WindowSource?
    }

    /// `query` bound and planned: its `plan` is final.
    public func bind(_ query: Query) throws(SQLError) -> BoundQuery {
        var bound = try bindQuery(query)
        bound.plan = PlanOptimizer.optimize(bound.plan)
        return bound
    }

    /// `query` bound, before the plan rules: what a derived table, view or CTE contributes to
    /// the query that reads it (the rules run once, over the whole plan).
    func bindQuery(_ query: Query) throws(SQLError) -> BoundQuery {
        try checkInterrupted()
        var binder = self
        for cte in query.with { binder.commonTables[cte.name.value.lowercased()] = cte.query.naming(cte.columns, as: cte.name) }
        if case .query(let inner) = query.body, query.orderBy.isEmpty, query.limit == nil {
            return try binder.bindQuery(inner)
        }
        var (plan, items) = try binder.bindSetExpr(query.body, emit: query.emit)
        let pull = query.emit == nil && plan.readsSnapshotsOnly
        // A pull query of a plain SELECT may sort by what it does not select: those
        // expressions become hidden trailing columns, dropped once the result is sorted.
        var hidden = 0
        if pull, case .select(let select) = query.body, !select.distinct, select.groupBy.isEmpty, select.having == nil,
            !select.items.contains(where: { if case .expression(let e) = $0 { Self.containsAggregate(e.expr) } else { false } })
        {
            let missing = query.orderBy.filter { (try? sortColumn($0.expr, items: items, schema: plan.schema)) == nil }
            if !missing.isEmpty {
                var widened = select
                for (index, item) in missing.enumerated() {
                    widened.items.append(.expression(SelectExpression(
                        expr: item.expr, alias: Identifier("?order\(index)"), span: item.expr.span)))
                }
                (plan, _) = try binder.bindSelect(widened, emit: query.emit)
                hidden = missing.count
                items += missing.map { Optional($0.expr) }
            }
        }
        var limit: Int?
        if let limitExpr = query.limit, case .parameter(let parameter) = limitExpr, let context {
            // Only while describing a prepared statement: the value is spliced in before it runs.
            _ = context.parameterType(parameter.index, context: .bigint)
        } else if let limitExpr = query.limit {
            guard case .literal(let literal) = limitExpr, case .number(let text) = literal.value, let n = Int(text), n >= 0 else {
                throw SQLError(.syntaxError, "LIMIT takes a non-negative integer", at: limitExpr.span)
            }
            limit = n
        }
        var orderBy: [BoundQuery.SortKey] = []
        for item in query.orderBy {
            orderBy.append(BoundQuery.SortKey(
                column: try sortColumn(item, items: items, plan: plan, pull: pull),
                ascending: item.ascending ?? true, nullsFirst: item.nullsFirst ?? !(item.ascending ?? true)))
        }
        return BoundQuery(plan: plan, emitChanges: query.emit == .changes, isPush: query.emit != nil, limit: limit, orderBy: orderBy, hiddenColumns: hidden)
    }

    /// Whether `expr` calls an aggregate function.
    static func containsAggregate(_ expr: Expr) -> Bool {
        if case .function(let call) = expr, FunctionBinder.isAggregate(call) { return true }
        return expr.children.contains(where: containsAggregate)
    }

    /// A query over a stream may only sort by the event-time column, ascending: that order is
    /// what the watermark yields; any other order of an unbounded stream could never be emitted.
    /// A pull query (no EMIT) of tables and the system catalog sorts its result by any column.
    private func sortColumn(_ item: OrderByItem, items: [Expr?], plan: StreamPlan, pull: Bool) throws(SQLError) -> Int {
        if pull { return try sortColumn(item.expr, items: items, schema: plan.schema) }
        let column = try? sortColumn(item.expr, items: items, schema: plan.schema)
        guard let column, column == plan.eventTimeColumn, item.ascending ?? true else {
            throw SQLError(
                .featureNotSupported, "ORDER BY on a stream is only supported by its event-time column, ascending", at: item.expr.span,
                hint: "sort the rows in the client, or read the finished results from a sink")
        }
        return column
    }

    /// ORDER BY refers to an output column by name, position, or the same expression.
    private func sortColumn(_ expr: Expr, items: [Expr?], schema: Schema) throws(SQLError) -> Int {
        if case .literal(let literal) = expr, case .number(let text) = literal.value, let position = Int(text) {
            guard position >= 1, position <= schema.count else {
                throw SQLError(.undefinedColumn, "ORDER BY position \(position) is not in the select list", at: expr.span)
            }
            return position - 1
        }
        if let index = items.firstIndex(where: { $0 == expr }) { return index }
        if case .column(let reference) = expr, reference.qualifier.isEmpty, let index = schema.firstIndex(of: reference.name.value) {
            return index
        }
        // `ORDER BY t.a` of a query selecting `a` (or `t.a`).
        if case .column(let reference) = expr, let index = items.firstIndex(where: { item in
            guard case .column(let selected) = item else { return false }
            return selected.name.value.lowercased() == reference.name.value.lowercased()
                && (selected.qualifier.isEmpty || selected.qualifier == reference.qualifier)
        }) {
            return index
        }
        if case .column(let reference) = expr, let index = schema.firstIndex(of: reference.name.value) { return index }
        throw SQLError(.undefinedColumn, "ORDER BY must name a column of the result", at: expr.span)
    }

    // MARK: SELECT

    /// The plan of one SELECT, and the expression of each output column (nil for `*` columns).
    func bindSelect(_ original: Select, emit: EmitMode?) throws(SQLError) -> (StreamPlan, [Expr?]) {
        var (select, subqueryPredicates) = Self.splitSubqueryPredicates(original)
        var input: Input
        let remainingWhere: Expr?
        if select.from.isEmpty {
            (input, remainingWhere) = try bindOneRow(select)
        } else if let topN = try bindTopNInput(select) {
            (input, remainingWhere) = topN
        } else {
            (input, remainingWhere) = try bindJoinedFrom(select)
        }
        if let whereClause = remainingWhere {
            // Its scalar subqueries are joined first, their values read like columns.
            let subqueries = Self.scalarSubqueries(of: whereClause)
            let values = try joinScalarSubqueries(subqueries, into: &input)
            var binder = scalarBinder(for: input.scope, clause: "WHERE")
            if !values.isEmpty {
                binder.substitute = { (expr: Expr) throws(SQLError) -> BoundExpr? in Self.subqueryValue(expr, values: values) }
            }
            let predicate = try binder.bind(whereClause)
            guard predicate.type == .boolean || predicate.type == .null else {
                throw SQLError(.datatypeMismatch, "WHERE needs a BOOLEAN condition, found \(predicate.type)", at: whereClause.span)
            }
            input.plan = .filter(.init(input: input.plan, predicate: predicate))
        }
        for predicate in subqueryPredicates {
            input = try bindSubqueryPredicate(predicate, input: input)
        }
        let scalarSubqueries = Self.scalarSubqueries(of: select)
        if !scalarSubqueries.isEmpty {
            guard select.groupBy.isEmpty, select.window == nil, collectAggregates(select).isEmpty else {
                throw SQLError.unsupported("a scalar subquery in the select list of a GROUP BY", at: scalarSubqueries[0].span)
            }
            let values = try joinScalarSubqueries(scalarSubqueries, into: &input)
            return try bindProjection(select, input: input) { (expr: Expr) throws(SQLError) -> BoundExpr? in
                Self.subqueryValue(expr, values: values)
            }
        }
        select = try bindExplode(select, input: &input)
        select = try bindSetReturningFunctions(select, input: &input)
        if let over = try bindOverAggregate(select, input: input) {
            return over
        }
        let aggregates = collectAggregates(select)
        let isGrouped = !select.groupBy.isEmpty || !aggregates.isEmpty || select.window != nil
        if isGrouped {
            return try bindAggregate(select, input: input, aggregates: aggregates, emit: emit)
        }
        return try bindProjection(select, input: input)
    }

    /// The select list over `input`; `substitute` replaces expressions already computed below
    /// (OVER aggregates) by their columns.
    func bindProjection(
        _ select: Select, input: Input, substitute: ((Expr) throws(SQLError) -> BoundExpr?)? = nil
    ) throws(SQLError) -> (StreamPlan, [Expr?]) {
        var binder = scalarBinder(for: input.scope, clause: "SELECT")
        binder.substitute = substitute
        var expressions: [BoundExpr] = []
        var fields: [Field] = []
        var items: [Expr?] = []
        var timeColumn: Int?
        for item in select.items {
            switch item {
            case .wildcard(let wildcard) where wildcard.fieldsOf != nil:
                let value = try binder.bind(wildcard.fieldsOf!)
                guard case .row(let rowFields) = value.type else {
                    throw SQLError(.datatypeMismatch, "->* takes the fields of a STRUCT, not of \(value.type)", at: wildcard.span)
                }
                for (position, field) in rowFields.enumerated() {
                    expressions.append(.call(.rowField, [value, .literal(.int(Int64(position)), .bigint)], field.type))
                    fields.append(Field(field.name, field.type))
                    items.append(nil)
                }
            case .wildcard(let wildcard):
                let qualifier = wildcard.qualifier?.name.value.lowercased()
                var matched = false
                for (index, column) in input.scope.columns.enumerated() {
                    if let qualifier, !column.qualifiers.contains(qualifier) { continue }
                    matched = true
                    if column.isSystem || (column.qualifiedOnly && qualifier == nil) { continue }
                    if column.isEventTime, timeColumn == nil { timeColumn = expressions.count }
                    expressions.append(.column(index, column.type))
                    fields.append(Field(column.name, column.type))
                    items.append(nil)
                }
                if !matched, let qualifier {
                    throw SQLError(.undefinedTable, "unknown table or alias '\(qualifier)'", at: wildcard.span)
                }
            case .expression(let selected):
                let bound = try binder.bind(selected.expr)
                if case .column(let index, _) = bound, index < input.scope.columns.count, input.scope.columns[index].isEventTime, timeColumn == nil {
                    timeColumn = expressions.count
                }
                expressions.append(bound)
                fields.append(Field(outputName(of: selected, position: fields.count), bound.type == .null ? .varchar : bound.type))
                items.append(selected.expr)
            }
        }
        var source = input.plan
        if let window = input.window, expressions.contains(where: { $0.referencedColumns.contains { $0 >= input.plan.schema.count } }) {
            // The window columns are read: materialize them, one row per window.
            // SESSION keeps each partition's rows until their session closes.
            source = .windowTable(.init(input: input.plan, window: window.spec(),
                                        partitionKeys: window.partitionKeys))
        }
        var plan = StreamPlan.project(.init(input: source, expressions: expressions, schema: Schema(fields), timeColumn: timeColumn))
        if select.distinct {
            let keys = Array(0..<fields.count)
            plan = .groupAggregate(.init(input: plan, keys: keys, aggregates: [], schema: Schema(fields)))
        }
        return (plan, items)
    }

    /// The output column name: the alias, a column's own name, or Flink's `EXPR$n`.
    func outputName(of selected: SelectExpression, position: Int) -> String {
        if let alias = selected.alias { return alias.value }
        if case .column(let reference) = selected.expr { return reference.name.value }
        // ksqlDB names `s->field` after the field, as Flink names `r.field`.
        if case .fieldAccess(let access) = selected.expr { return access.field.value }
        if context?.columnNaming == .postgres { return Self.postgresName(of: selected.expr) ?? "?column?" }
        return "EXPR$\(position)"
    }

    /// The name Postgres gives a result column computed by `expr`, when it gives one.
    static func postgresName(of expr: Expr) -> String? {
        switch expr {
        case .column(let reference): return reference.name.value
        case .function(let call): return call.name.name.value.lowercased()
        case .cast(let cast):
            if let inner = postgresName(of: cast.expr) { return inner }
            switch cast.type {
            case .boolean: return "bool"
            case .integer: return "int4"
            case .bigint: return "int8"
            case .double: return "float8"
            case .decimal: return "numeric"
            case .varchar: return "text"
            case .timestamp: return "timestamp"
            case .date: return "date"
            default: return nil
            }
        case .caseWhen: return "case"
        case .extract: return "extract"
        case .substring: return "substring"
        case .trim: return "btrim"
        case .keywordCall(let call): return call.name.lowercased()
        case .currentDateTime(let current): return current.kind.rawValue.lowercased()
        case .exists: return "exists"
        case .scalarSubquery(let node):
            if node.collectsArray { return "array" }
            // Named as its one select item is.
            guard case .select(let select) = node.query.body, select.items.count == 1,
                case .expression(let item) = select.items[0]
            else { return nil }
            return item.alias?.value ?? postgresName(of: item.expr)
        default: return nil
        }
    }

    func scalarBinder(for scope: Scope, clause: String) -> ExpressionBinder {
        ExpressionBinder(
            resolveColumn: { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
                let index = try scope.resolve(reference)
                return .column(index, scope.columns[index].type)
            },
            clause: clause, context: context)
    }

    // MARK: FROM

    func bindTableReference(_ reference: TableReference) throws(SQLError) -> Input {
        switch reference {
        case .named(let named):
            if named.systemTimeAsOf != nil {
                throw SQLError.unsupported("FOR SYSTEM_TIME AS OF is only supported in a temporal join", at: named.span)
            }
            return try bindNamed(named.name, alias: named.alias)
        case .derived(let derived):
            var plan = try bindQuery(derived.query).plan
            if !derived.columns.isEmpty {
                plan = try Self.naming(plan, columns: derived.columns, of: derived.alias?.value ?? "subquery")
            }
            let qualifier = derived.alias?.value
            return Input(plan: plan, scope: Scope(of: plan, qualifier: qualifier), window: nil)
        case .windowFunction(let function):
            return try bindWindowFunction(function)
        case .unnest(let unnest):
            return try bindUnnest(unnest)
        case .join(let join):
            return try bindJoin(join)
        case .matchRecognize(let match):
            return try bindMatchRecognize(match)
        }
    }

    /// `plan` with its columns named `columns`, as `(query) AS alias (a, b)` names them; there
    /// must be one name per column.
    static func naming(_ plan: StreamPlan, columns: [Identifier], of alias: String) throws(SQLError) -> StreamPlan {
        let fields = plan.schema.fields
        guard columns.count == fields.count else {
            throw SQLError(
                .invalidColumnReference,
                "'\(alias)' names \(columns.count) column\(columns.count == 1 ? "" : "s"), but its query has \(fields.count)",
                at: columns[0].span.union(columns[columns.count - 1].span))
        }
        return casting(plan, to: Schema(zip(fields, columns).map { Field($1.value, $0.type, nullable: $0.nullable) }))
    }

    /// `UNNEST(array)`: the constant array's elements, read from a values relation.
    private func bindUnnest(_ unnest: UnnestTable) throws(SQLError) -> Input {
        let bound = try bindUnnestArgument(unnest, scope: Scope(columns: []))
        guard case .literal(let value, _) = bound.unwrappedCast, !unnest.isFunction else {
            // An array computed once: the one-row relation, expanded.
            let oneRow = Input(plan: .scan(StreamPlan.Scan(relation: .oneRow, columns: [], watermark: nil)), scope: Scope(columns: []),
                               window: nil)
            guard let expanded = try expand(oneRow, by: unnest, evenIfConstant: true) else {
                throw SQLError.internal("UNNEST of a constant was not expanded")
            }
            return expanded
        }
        var elements: [String] = []
        if case .string(let text) = value {
            guard let parsed = PostgresArrayLiteral.elements(of: text) else {
                throw SQLError(SQLState("22P02"), "malformed array literal: \"\(text)\"", at: unnest.argument.span)
            }
            elements = parsed
        }
        let name = unnest.alias?.value ?? "unnest"
        let relation = Relation(
            name: "(unnest)", kind: .stream, schema: Schema([Field(name, .varchar)]),
            connector: ConnectorSpec(
                connector: Relation.oneRowConnector,
                options: [Relation.valuesElementsOption: elements.joined(separator: Relation.valuesElementSeparator)]))
        let scan = StreamPlan.Scan(relation: relation, columns: [0], watermark: nil)
        return Input(plan: .scan(scan), scope: Scope(schema: relation.schema, qualifier: name, eventTimeColumn: nil), window: nil)
    }

    /// A SELECT without FROM reads the built-in one-row relation, which has no columns.
    private func bindOneRow(_ select: Select) throws(SQLError) -> (Input, Expr?) {
        for case .wildcard(let wildcard) in select.items {
            throw SQLError(.syntaxError, "SELECT * with no tables specified is not valid", at: wildcard.span,
                           hint: "add FROM <stream or table>")
        }
        let scan = StreamPlan.Scan(relation: .oneRow, columns: [], watermark: nil)
        return (Input(plan: .scan(scan), scope: Scope(columns: []), window: nil), select.whereClause)
    }

    func bindNamed(_ name: ObjectName, alias: Identifier?) throws(SQLError) -> Input {
        try checkInterrupted()
        reads.value += 1
        if reads.value > Self.maxRelationReads {
            throw SQLError(
                .statementTooComplex,
                "statement too complex: it reads more than \(Self.maxRelationReads) streams, tables, views and common table expressions",
                at: name.span, hint: "a view or WITH query is planned again wherever it is read; read it fewer times")
        }
        let key = name.name.value.lowercased()
        var qualifiers: Set<String> = [key]
        if let alias { qualifiers.insert(alias.value.lowercased()) }
        if let query = commonTables[key] ?? catalog.view(named: key) {
            var inner = self
            if commonTables[key] == nil {
                guard inner.viewsBeingBound.insert(key).inserted else {
                    throw SQLError(.invalidObjectDefinition, "view '\(name.name.value)' reads itself", at: name.span,
                                   hint: "a view cannot be defined over itself; read the relations it is made of")
                }
            }
            inner.commonTables.removeValue(forKey: key)
            let bound = try inner.bindQuery(query)
            var scope = Scope(of: bound.plan, qualifier: nil)
            for i in scope.columns.indices {
                scope.columns[i].qualifiers = qualifiers
                if alias != nil { scope.columns[i].aliasedName = key }
            }
            return Input(plan: bound.plan, scope: scope, window: nil)
        }
        // `information_schema.tables` is known by its qualified name; `public.t` and `pg_catalog.pg_class` by their own.
        let qualified = name.parts.count >= 2 ? name.parts.suffix(2).map { $0.value.lowercased() }.joined(separator: ".") : nil
        guard let relation = qualified.flatMap({ catalog.relation(named: $0) }) ?? catalog.relation(named: key) else {
            throw SQLError(.undefinedTable, "unknown stream or table '\(name.name.value)'", at: name.span,
                           hint: closestName(to: name.name.value, among: catalog.relationNames).map { "did you mean '\($0)'?" })
        }
        let scan = StreamPlan.Scan(relation: relation, columns: Array(relation.schema.fields.indices), watermark: relation.watermark)
        var plan = StreamPlan.scan(scan)
        if relation.kind == .table, relation.isKsqlKafka, let offset = relation.systemColumn(.rowOffset) {
            // A table kept in a topic holds each key's latest record (by offset, as a KTable).
            var latest = StreamPlan.TopN(input: plan, partitionKeys: relation.primaryKey, sortKeys: [.init(column: offset, ascending: false)],
                                         limit: 1, emitsRank: false)
            latest.latestPerKey = true
            plan = .topN(latest)
        }
        if let rowtime = relation.systemColumn(.rowtime), relation.computedExpression(of: rowtime) != nil {
            // ROWTIME from a TIMESTAMP column: a record whose column holds no time is skipped, as ksqlDB does.
            plan = .filter(StreamPlan.Filter(input: plan, predicate: .call(.isNotNull, [.column(rowtime, .bigint)], .boolean)))
        }
        if relation.kind == .stream, let valueIsNull = relation.systemColumn(.valueIsNull), !keepsValuelessRecords {
            plan = .filter(StreamPlan.Filter(input: plan, predicate: .call(.not, [.column(valueIsNull, .boolean)], .boolean)))
        }
        var scope = Scope(schema: relation.schema, qualifier: nil, eventTimeColumn: plan.eventTimeColumn)
        for i in scope.columns.indices {
            scope.columns[i].qualifiers = qualifiers
            if alias != nil { scope.columns[i].aliasedName = key }
        }
        for i in relation.systemColumns { scope.columns[i].isSystem = true }
        for i in relation.processingTimeColumns { scope.columns[i].isProcessingTime = true }
        return Input(plan: plan, scope: scope, window: nil)
    }
}

extension StreamPlan {
    /// Whether every relation the plan reads is a finished snapshot (`Relation.isSnapshot`).
    var readsSnapshotsOnly: Bool {
        if case .scan(let scan) = self { return scan.relation.isSnapshot }
        return inputs.allSatisfy(\.readsSnapshotsOnly)
    }

    /// The output columns that are processing-time attributes: a `PROCTIME()` column of a
    /// declared relation, or `PROCTIME()` computed in a projection, passed on unchanged through
    /// filters, projections, views and subqueries (as Flink's proctime attribute travels).
    var processingTimeColumns: Set<Int> {
        switch self {
        case .scan(let node):
            let declared = Set(node.relation.processingTimeColumns)
            return Set(node.columns.indices.filter { declared.contains(node.columns[$0]) })
        case .filter(let node):
            return node.input.processingTimeColumns
        case .project(let node):
            let inner = node.input.processingTimeColumns
            return Set(node.expressions.indices.filter { index in
                switch node.expressions[index] {
                case .column(let column, _): return inner.contains(column)
                case let expression: return expression.isProcessingTimeAttribute
                }
            })
        default:
            return []
        }
    }

    /// The output column that carries event time (with a watermark upstream), if any.
    public var eventTimeColumn: Int? {
        switch self {
        case .scan(let node): return node.watermark?.column
        case .filter(let node): return node.input.eventTimeColumn
        case .project(let node): return node.timeColumn
        case .windowTable(let node): return node.input.eventTimeColumn
        case .unnest(let node): return node.input.eventTimeColumn
        case .windowAggregate, .groupAggregate: return nil
        case .join(let node): return node.eventTimeColumn
        case .topN(let node): return node.eventTimeColumn
        case .union(let node): return node.eventTimeColumn
        case .overAggregate(let node): return node.timeColumn
        case .matchRecognize(let node): return node.eventTimeColumn
        case .semiJoin, .multisetOperation: return nil
        case .expand(let node): return node.timeColumn
        }
    }
}
