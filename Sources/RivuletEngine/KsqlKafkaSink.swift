import RivuletCore
import RivuletPlanner
import RivuletSQL

/// `CREATE STREAM|TABLE ... AS SELECT` as ksqlDB runs it, when the query reads a stream or table
/// kept in Kafka in ksqlDB's way (or names `KAFKA_TOPIC`): the result is a new Kafka relation,
/// written to its topic (the relation's name unless `KAFKA_TOPIC` says otherwise) in the
/// formats of the source unless given, keyed by the GROUP BY, PARTITION BY or source key
/// columns, each record stamped with ksqlDB's `ROWTIME` for it:
/// - a projection keeps its input record's time;
/// - an aggregate the largest time of the rows it has seen (as Kafka Streams aggregates do);
/// - a join of streams the larger of both rows' times, a stream–table join the stream row's.
/// Unnamed expressions are named `KSQL_COL_n` and names upper-cased, as ksqlDB does.
struct KsqlKafkaSink {
    /// The query with the system columns appended to its select list.
    var query: Query
    /// The output names of the key columns, in key order.
    var keyNames: [String]
    /// The select items' names as ksqlDB gives them (nil for `*`).
    var itemNames: [String?]
    var options: [String: String]
    var systemColumns: [KsqlSystemColumn]

    /// The sink of `create`, or nil when the statement is not ksqlDB's over Kafka.
    static func plan(_ create: CreateRelationAsSelect, catalog: some Catalog) throws(SQLError) -> KsqlKafkaSink? {
        guard case .select(var select) = create.query.body, create.query.with.isEmpty else { return nil }
        var given: [String: String] = [:]
        for option in create.options { given[option.key.lowercased()] = option.value.text }
        if given["connector"] != nil { return nil }
        var sources: [(relation: Relation, qualifier: String)] = []
        for reference in select.from { collect(reference, catalog: catalog, into: &sources) }
        guard given["kafka_topic"] != nil || sources.first?.relation.isKsqlKafka == true else { return nil }

        // ksqlDB's names: KSQL_COL_n for unnamed expressions.
        var generated = 0
        var itemNames: [String?] = []
        for index in select.items.indices {
            guard case .expression(var item) = select.items[index] else { itemNames.append(nil); continue }
            if item.alias == nil, case .column(let reference) = item.expr {
                itemNames.append(reference.name.quoted ? reference.name.value : reference.name.value.uppercased())
                continue
            }
            if item.alias == nil {
                item.alias = Identifier("KSQL_COL_\(generated)", quoted: true)
                generated += 1
                select.items[index] = .expression(item)
            }
            itemNames.append(item.alias!.quoted ? item.alias!.value : item.alias!.value.uppercased())
        }

        let keyNames = try Self.keyNames(of: select, itemNames: itemNames, sources: sources, target: create.name.name.value)
        // ksqlDB drops a row whose grouping key is NULL: a message key cannot hold it.
        for key in select.groupBy {
            let present: Expr = .isNull(IsNull(expr: key, negated: true))
            select.whereClause = select.whereClause.map { .binary(BinaryExpression(left: $0, op: .and, right: present)) } ?? present
        }

        // The system columns, appended in the order a declared relation has them.
        let aggregated = !select.groupBy.isEmpty || select.window != nil
        var system: [KsqlSystemColumn] = KsqlSystemColumn.record
        var appended: [Expr] = []
        if let rowtime = rowtime(of: sources) {
            appended.append(aggregated ? .function(FunctionCall(name: ObjectName("MAX"), arguments: [rowtime])) : rowtime)
        } else {
            appended.append(.cast(Cast(expr: .literal(Literal(.null)), type: .bigint)))
        }
        appended.append(.cast(Cast(expr: .literal(Literal(.null)), type: .integer)))
        appended.append(.cast(Cast(expr: .literal(Literal(.null)), type: .bigint)))
        let windowedSource = sources.count == 1 && sources[0].relation.systemColumn(.windowStart) != nil ? sources[0].relation : nil
        if select.window != nil || windowedSource != nil {
            // A windowed aggregate's window, or a windowed source's, passed through.
            system = KsqlSystemColumn.windowed
            appended += [.column(ColumnReference("windowstart")), .column(ColumnReference("windowend"))]
        }
        for (column, expr) in zip(system, appended) {
            select.items.append(.expression(SelectExpression(expr: expr, alias: Identifier(column.rawValue, quoted: true))))
        }

        var options: [String: String] = given
        let source = sources.first { $0.relation.isKsqlKafka }?.relation
        options["kafka_topic"] = given["kafka_topic"] ?? create.name.name.value.uppercased()
        let sourceFormat = source?.connector["format"]
        if given["format"] == nil {
            if given["value_format"] == nil, let value = source?.connector["value_format"] ?? sourceFormat { options["value_format"] = value }
            if given["key_format"] == nil, let key = source?.connector["key_format"] ?? sourceFormat { options["key_format"] = key }
        }
        if options["value_format"] == nil && options["format"] == nil { options["value_format"] = "JSON" }
        if let window = select.window {
            options["window_type"] = window.kind.rawValue
            if window.kind != .session { options["window_size"] = "\(window.size.milliseconds ?? 0) MILLISECONDS" }
        } else if let windowedSource {
            options["window_type"] = windowedSource.connector["window_type"]
            options["window_size"] = windowedSource.connector["window_size"]
        }
        var query = create.query
        query.body = .select(select)
        return KsqlKafkaSink(query: query, keyNames: keyNames, itemNames: itemNames, options: options, systemColumns: system)
    }

    /// The relation the query writes, from the plan bound for `query`.
    func relation(named name: String, kind: RelationKind, plan: StreamPlan) throws(SQLError) -> Relation {
        var fields = plan.schema.fields
        let systemStart = fields.count - systemColumns.count
        // `*` expands to several columns: the names of the other items are known by position from the end.
        let explicit = itemNames.compactMap { $0 }
        if itemNames.allSatisfy({ $0 != nil }), explicit.count == systemStart {
            for i in 0..<systemStart { fields[i].name = explicit[i] }
        } else {
            for i in 0..<systemStart { fields[i].name = fields[i].name.uppercased() }
        }
        let schema = Schema(fields)
        var primaryKey: [Int] = []
        for key in keyNames {
            guard let index = (0..<systemStart).first(where: { fields[$0].name.uppercased() == key.uppercased() }) else {
                throw SQLError(.groupingError, "key column \(key) is missing from the projection of \(name)",
                               hint: "select it: ksqlDB makes it the message key of \(name)'s topic")
            }
            primaryKey.append(index)
        }
        let systemIndices = Array(systemStart..<fields.count)
        return Relation(
            name: name, kind: kind == .table ? .table : .stream, schema: schema,
            connector: ConnectorSpec(connector: "kafka", options: options),
            watermark: WatermarkSpec(column: systemStart, delayMillis: 0), primaryKey: primaryKey, systemColumns: systemIndices)
    }

    private static func collect(_ reference: TableReference, catalog: some Catalog, into sources: inout [(relation: Relation, qualifier: String)]) {
        switch reference {
        case .named(let named):
            if let relation = catalog.relation(named: named.name.name.value) {
                sources.append((relation, named.alias?.value ?? named.name.name.value))
            }
        case .join(let join):
            collect(join.left, catalog: catalog, into: &sources)
            collect(join.right, catalog: catalog, into: &sources)
        case .derived, .windowFunction:
            break
        }
    }

    /// ksqlDB's ROWTIME of a result row, before aggregation; nil when a source has none.
    private static func rowtime(of sources: [(relation: Relation, qualifier: String)]) -> Expr? {
        guard !sources.isEmpty, sources.allSatisfy({ $0.relation.systemColumn(.rowtime) != nil }) else { return nil }
        func reference(_ source: (relation: Relation, qualifier: String)) -> Expr {
            sources.count == 1 ? .column(ColumnReference("ROWTIME"))
                : .column(ColumnReference([Identifier(source.qualifier), Identifier("ROWTIME")]))
        }
        let streams = sources.filter { $0.relation.kind == .stream }
        let timed = streams.count == 1 && sources.count > 1 ? streams : sources
        if timed.count == 1 { return reference(timed[0]) }
        return .function(FunctionCall(name: ObjectName("GREATEST"), arguments: timed.map(reference)))
    }

    /// The names of the result's key columns: the GROUP BY or PARTITION BY expressions as
    /// selected, else the source's key columns that are selected.
    private static func keyNames(
        of select: Select, itemNames: [String?], sources: [(relation: Relation, qualifier: String)], target: String
    ) throws(SQLError) -> [String] {
        let keyExprs = select.groupBy.isEmpty ? select.partitionBy : select.groupBy
        if !keyExprs.isEmpty {
            return try keyExprs.map { (expr: Expr) throws(SQLError) -> String in
                for (index, item) in select.items.enumerated() {
                    guard case .expression(let selected) = item, let name = itemNames[index] else { continue }
                    if selected.expr == expr { return name }
                    if case .column(let a) = selected.expr, case .column(let b) = expr, a.name.normalized == b.name.normalized { return name }
                }
                throw SQLError(.groupingError, "Key missing from projection (ie, SELECT): the query used to build \(target) must include the grouping expression \(expr) in its projection",
                               at: expr.span, hint: "add it to the select list")
            }
        }
        guard sources.count == 1 else { return [] }
        let relation = sources[0].relation
        let keys = Set(relation.primaryKey.map { relation.schema[$0].name.lowercased() })
        var names: [String] = []
        for (index, item) in select.items.enumerated() {
            switch item {
            case .wildcard:
                names += relation.primaryKey.map { relation.schema[$0].name.uppercased() }
            case .expression(let selected):
                if case .column(let reference) = selected.expr, keys.contains(reference.name.value.lowercased()), let name = itemNames[index] {
                    names.append(name)
                }
            }
        }
        return names
    }
}
