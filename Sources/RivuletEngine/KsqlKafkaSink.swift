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
    /// The result's column names as ksqlDB gives them, when known for every column.
    var outputNames: [String]?
    var options: [String: String]
    var systemColumns: [KsqlSystemColumn]
    /// Whether the query passes a stream's records without a value through (its binder's
    /// `keepsValuelessRecords`).
    var keepsValuelessRecords: Bool
    /// Whether the query is a foreign-key join of two tables.
    var foreignKeyJoin = false

    /// The sink of `create`, or nil when the statement is not ksqlDB's over Kafka.
    static func plan(_ create: CreateRelationAsSelect, catalog: some Catalog) throws(SQLError) -> KsqlKafkaSink? {
        guard case .select(var select) = create.query.body, create.query.with.isEmpty else { return nil }
        var given: [String: String] = [:]
        for option in create.options { given[option.key.lowercased()] = option.value.text }
        if given["connector"] != nil { return nil }
        var sources: [(relation: Relation, qualifier: String)] = []
        for reference in select.from { collect(reference, catalog: catalog, into: &sources) }
        guard given["kafka_topic"] != nil || sources.first?.relation.isKsqlKafka == true else { return nil }

        select = try KsqlProjectionRules.expandingStructFields(select, sources: sources)
        let joined = sources.count > 1
        if !joined, let source = sources.first, select.groupBy.isEmpty, !select.partitionBy.isEmpty {
            select.items = Self.expandingWildcards(select.items, partitionBy: select.partitionBy, source: source)
        }
        select = KsqlProjectionRules.comparingNullAsFalse(KsqlProjectionRules.aggregatingAsKsqlDB(
            KsqlProjectionRules.joiningArraysAsKsqlDB(select)))
        // A foreign-key join's result is keyed by the left table's key; other joins by a join column.
        var foreignKeyJoin = false
        if sources.count == 2, select.from.count == 1, case .join(let join) = select.from[0] {
            foreignKeyJoin = KsqlJoinRules.foreignKey(of: join, left: [sources[0]], right: sources[1]) != nil
        }
        let joinKey = joined && !foreignKeyJoin && select.groupBy.isEmpty && select.partitionBy.isEmpty ? KsqlJoinKey(select.from) : nil
        if let joinKey { select.items = joinKey.selectingSyntheticKey(select.items, sources: sources.map(\.relation)) }

        // ksqlDB's names: KSQL_COL_n for unnamed expressions; in a join, a source's columns
        // are prefixed with its alias (`L_A`), as `*` expands them too.
        func sourceIndex(of reference: ColumnReference) -> Int? {
            if let qualifier = reference.qualifier.last?.value.lowercased() {
                return sources.firstIndex { $0.qualifier.lowercased() == qualifier }
            }
            return sources.firstIndex { $0.relation.schema.firstIndex(of: reference.name.value) != nil }
        }
        func visibleColumns(of source: Int) -> [String] {
            let relation = sources[source].relation
            return relation.schema.fields.indices.filter { !relation.systemColumns.contains($0) }.map { relation.schema[$0].name }
        }
        // A source's column names are already as ksqlDB keeps them (unquoted ones upper-cased
        // when declared), so `*` over one source keeps a quoted name's case.
        func prefixed(_ source: Int, _ column: String) -> String {
            joined ? "\(sources[source].qualifier.uppercased())_\(column.uppercased())" : column
        }
        var generated = 0
        let sourceColumnNames = Set(sources.flatMap { $0.relation.schema.names.map { $0.uppercased() } })
        var outputs: [Output] = []
        var itemNames: [String?] = []
        var complete = true
        for index in select.items.indices {
            switch select.items[index] {
            case .wildcard(let wildcard):
                itemNames.append(nil)
                let chosen = wildcard.qualifier.map { q in sources.indices.filter { sources[$0].qualifier.lowercased() == q.name.value.lowercased() } }
                    ?? Array(sources.indices)
                if chosen.isEmpty { complete = false }
                for source in chosen {
                    outputs += visibleColumns(of: source).map { Output(name: prefixed(source, $0), origin: (source, $0.lowercased())) }
                }
            case .expression(var item):
                if item.alias == nil, case .column(let reference) = item.expr {
                    let source = sourceIndex(of: reference)
                    // A column that only one side of a join has keeps its name; one both have
                    // takes its side's alias (`L_A`).
                    let shared = sources.filter { $0.relation.schema.firstIndex(of: reference.name.value) != nil }.count > 1
                    let name = reference.name.quoted && !joined ? reference.name.value
                        : source.map { shared ? prefixed($0, reference.name.value) : reference.name.value.uppercased() } ?? reference.name.value.uppercased()
                    itemNames.append(name)
                    outputs.append(Output(name: name, origin: source.map { ($0, reference.name.value.lowercased()) }))
                    continue
                }
                // `s->field` is named after the field, as ksqlDB does: `F_1`, `F_2`, ... when a
                // source's column or an earlier result column has that name.
                if item.alias == nil, case .fieldAccess(let access) = item.expr {
                    let field = access.field.quoted ? access.field.value : access.field.value.uppercased()
                    var name = field
                    var suffix = 1
                    while sourceColumnNames.contains(name.uppercased()) || itemNames.contains(name) {
                        name = "\(field)_\(suffix)"
                        suffix += 1
                    }
                    item.alias = Identifier(name, quoted: true)
                    select.items[index] = .expression(item)
                }
                if item.alias == nil {
                    // A name a source's column has is skipped, as ksqlDB skips it.
                    while sourceColumnNames.contains("KSQL_COL_\(generated)") { generated += 1 }
                    item.alias = Identifier("KSQL_COL_\(generated)", quoted: true)
                    generated += 1
                    select.items[index] = .expression(item)
                }
                let name = item.alias!.quoted ? item.alias!.value : item.alias!.value.uppercased()
                itemNames.append(name)
                var origin: (Int, String)?
                if case .column(let reference) = item.expr, let source = sourceIndex(of: reference) { origin = (source, reference.name.value.lowercased()) }
                outputs.append(Output(name: name, origin: origin, synthetic: joinKey?.synthetic == true && item.expr == joinKey?.value))
            }
        }

        try Self.checkTableAggregates(select, sources: sources)
        for reference in select.from { try KsqlJoinRules.check(reference, catalog: catalog) }
        try KsqlProjectionRules.checkAliases(select)
        try KsqlProjectionRules.checkSources(sources, at: select.span)
        if complete { try KsqlProjectionRules.checkDistinctNames(outputs.map(\.name), at: select.span) }
        if create.query.emit == .final, select.window == nil {
            throw SQLError(.featureNotSupported, "EMIT FINAL is only supported for windowed aggregations.", at: create.query.span,
                           hint: "use EMIT CHANGES, or aggregate over a WINDOW")
        }
        try Self.checkKafkaValueFormat(select, sources: sources)
        try Self.checkReservedNames(select, isJoin: sources.count > 1)
        var keyNames = try Self.keyNames(of: select, itemNames: itemNames, sources: sources, target: create.name.name.value)
        if let joinKey {
            keyNames = try joinKey.keyNames(outputs: outputs, sourceIndex: sourceIndex, target: create.name.name.value, at: select.span)
            if let key = keyNames.first { select.items = joinKey.selectingJoinedKey(select.items, itemNames: itemNames, keyName: key) }
        } else if foreignKeyJoin, select.groupBy.isEmpty, select.partitionBy.isEmpty {
            keyNames = try Self.foreignKeyJoinKeyNames(outputs: outputs, left: sources[0], at: select.span)
        }
        if !joined, select.groupBy.isEmpty, select.partitionBy.isEmpty, let source = sources.first?.relation, keyNames.count < source.primaryKey.count {
            let missing = source.primaryKey.map { source.schema[$0].name.uppercased() }.filter { !keyNames.contains($0) }
            let listed = missing.count == 1 ? "column \(missing[0])" : "columns " + missing.dropLast().joined(separator: ", ") + " and " + missing.last!
            throw SQLError(.groupingError, "The query used to build `\(create.name.name.value.uppercased())` must include the key \(listed) in its projection (eg, SELECT \(missing.joined(separator: ", "))...).",
                           at: select.span, hint: "select the key columns: they become the message key")
        }
        if !keyNames.isEmpty, complete, outputs.count == keyNames.count {
            throw SQLError(.groupingError, "The projection contains no value columns.", at: select.span,
                           hint: "select a column besides the key columns: they are the message key, the others its value")
        }
        // ksqlDB drops a row whose grouping key is NULL: a message key cannot hold it.
        for key in select.groupBy {
            let present: Expr = .isNull(IsNull(expr: key, negated: true))
            select.whereClause = select.whereClause.map { .binary(BinaryExpression(left: $0, op: .and, right: present)) } ?? present
        }

        var rowtime: Expr?
        if let column = given.removeValue(forKey: "timestamp") {
            // `TIMESTAMP = 'col'` stamps each record with that result column instead (a record
            // whose column holds no time, NULL or negative, is not written).
            var source: Expr = .column(ColumnReference(column))
            for case .expression(let item) in select.items where item.alias?.value.lowercased() == column.lowercased() { source = item.expr }
            let time: Expr = .cast(Cast(expr: source, type: .bigint))
            rowtime = time
            let valid: Expr = .binary(BinaryExpression(left: time, op: .greaterOrEqual, right: .literal(Literal(.number("0")))))
            select.whereClause = select.whereClause.map { .binary(BinaryExpression(left: $0, op: .and, right: valid)) } ?? valid
        }
        let keepsValueless = passesRecordsWithoutValue(select, sources: sources)
        let system = appendSystemColumns(to: &select, sources: sources, rowtime: rowtime, keepsValueless: keepsValueless)

        var options: [String: String] = given
        let source = sources.first { $0.relation.isKsqlKafka }?.relation
        options["kafka_topic"] = given["kafka_topic"] ?? create.name.name.value.uppercased()
        let sourceFormat = source?.connector["format"]
        if given["format"] == nil {
            if given["value_format"] == nil, let value = source?.connector["value_format"] ?? sourceFormat { options["value_format"] = value }
            if given["key_format"] == nil, let key = source?.connector["key_format"] ?? sourceFormat { options["key_format"] = key }
        }
        if options["value_format"] == nil && options["format"] == nil { options["value_format"] = "JSON" }
        try checkKeyFormat(keyNames: keyNames, options: options, given: given, kind: create.kind, at: create.span)
        try KsqlProjectionRules.checkAggregateState(select, valueFormat: options["value_format"] ?? options["format"], at: select.span)
        if let window = select.window {
            options["window_type"] = window.kind.rawValue
            if window.kind != .session { options["window_size"] = "\(window.size.milliseconds ?? 0) MILLISECONDS" }
        } else if let windowedSource = sources.first?.relation, system == KsqlSystemColumn.windowed {
            options["window_type"] = windowedSource.connector["window_type"]
            options["window_size"] = windowedSource.connector["window_size"]
        }
        var query = create.query
        query.body = .select(select)
        return KsqlKafkaSink(
            query: query, keyNames: keyNames, outputNames: complete ? outputs.map(\.name) : nil, options: options, systemColumns: system,
            keepsValuelessRecords: keepsValueless, foreignKeyJoin: foreignKeyJoin)
    }

    /// `INSERT INTO` a ksqlDB relation: the query with the system columns the relation has, and
    /// whether it passes records without a value through.
    static func insertQuery(_ query: Query, into target: Relation, catalog: some Catalog) throws(SQLError) -> (query: Query, keepsValuelessRecords: Bool) {
        guard target.isKsqlKafka, case .select(var select) = query.body else { return (query, false) }
        if target.kind == .table {
            throw SQLError(.featureNotSupported, "INSERT INTO can only be used to insert into a stream. \(target.name) is a table.",
                           at: query.span)
        }
        var sources: [(relation: Relation, qualifier: String)] = []
        for reference in select.from { collect(reference, catalog: catalog, into: &sources) }
        select = try KsqlProjectionRules.expandingStructFields(select, sources: sources)
        try checkReservedNames(select, isJoin: sources.count > 1)
        let keepsValueless = passesRecordsWithoutValue(select, sources: sources)
        appendSystemColumns(to: &select, sources: sources, rowtime: nil, keepsValueless: keepsValueless)
        var query = query
        query.body = .select(select)
        return (query, keepsValueless)
    }

    /// Appends ksqlDB's system columns to the select list, in the order a declared relation has
    /// them: ROWTIME (`rowtime`, else as the sources give it), ROWPARTITION and ROWOFFSET (left
    /// to the topic), and a window's bounds, aggregated over or passed through.
    @discardableResult
    private static func appendSystemColumns(
        to select: inout Select, sources: [(relation: Relation, qualifier: String)], rowtime given: Expr?, keepsValueless: Bool
    ) -> [KsqlSystemColumn] {
        let aggregated = !select.groupBy.isEmpty || select.window != nil
        var system: [KsqlSystemColumn] = KsqlSystemColumn.record
        var appended: [Expr] = []
        if let given {
            appended.append(given)
        } else if let rowtime = rowtime(of: sources) {
            appended.append(aggregated ? .function(FunctionCall(name: ObjectName("MAX"), arguments: [rowtime])) : rowtime)
        } else {
            appended.append(.cast(Cast(expr: .literal(Literal(.null)), type: .bigint)))
        }
        appended.append(.cast(Cast(expr: .literal(Literal(.null)), type: .integer)))
        appended.append(.cast(Cast(expr: .literal(Literal(.null)), type: .bigint)))
        appended.append(keepsValueless
            ? .column(ColumnReference(KsqlSystemColumn.valueIsNull.rawValue)) : .literal(Literal(.boolean(false))))
        let windowedSource = sources.count == 1 && sources[0].relation.systemColumn(.windowStart) != nil
        if select.window != nil || windowedSource {
            // A windowed aggregate's window, or a windowed source's, passed through.
            system = KsqlSystemColumn.windowed
            appended += [.column(ColumnReference("windowstart")), .column(ColumnReference("windowend"))]
        }
        for (column, expr) in zip(system, appended) {
            select.items.append(.expression(SelectExpression(expr: expr, alias: Identifier(column.rawValue, quoted: true))))
        }
        return system
    }

    /// Whether a stream's records without a value pass through the query, as ksqlDB passes them
    /// through a projection or a `PARTITION BY` of one stream; a filter, join or aggregation
    /// skips them.
    private static func passesRecordsWithoutValue(_ select: Select, sources: [(relation: Relation, qualifier: String)]) -> Bool {
        guard sources.count == 1, sources[0].relation.kind == .stream, sources[0].relation.systemColumn(.valueIsNull) != nil else { return false }
        return select.whereClause == nil && select.groupBy.isEmpty && select.window == nil && select.having == nil
    }

    /// The bound plan with ksqlDB's table aggregation (a group emptied by retractions stays,
    /// every update is emitted, changed or not, and once when it stays in its group) and table joins (each result stamped with the
    /// time of the change that produced it).
    func adjusted(_ plan: StreamPlan) -> StreamPlan {
        switch plan {
        case .groupAggregate(var node):
            node.keepsEmptyGroups = true
            node.emitsUnchangedUpdates = true
            node.foldsUpdatesWithinGroup = true
            return .groupAggregate(node)
        case .project(var node):
            node.input = adjusted(node.input)
            return .project(node)
        case .filter(var node):
            node.input = adjusted(node.input)
            return .filter(node)
        case .join(var node):
            node.left = adjusted(node.left)
            node.right = adjusted(node.right)
            // Each side's ROWTIME, the time of its record.
            func rowtime(_ input: StreamPlan) -> Int? {
                input.schema.fields.firstIndex { $0.name.uppercased() == KsqlSystemColumn.rowtime.rawValue }
            }
            if case .regular = node.strategy, node.left.upsertKey != nil, node.right.upsertKey != nil,
               let left = rowtime(node.left), let right = rowtime(node.right) {
                node.changeTimeColumns = (left, right)
                node.emitsEveryLeftDelete = foreignKeyJoin
                // The join keeps each key's latest row itself, and sees a tombstone's own time.
                node.left = Self.readingRecords(node.left)
                node.right = Self.readingRecords(node.right)
            }
            return .join(node)
        default:
            return plan
        }
    }

    /// A table's plan reading its topic's records as they come, without keeping each key's
    /// latest (through projections only: a filter over the latest rows differs).
    private static func readingRecords(_ plan: StreamPlan) -> StreamPlan {
        switch plan {
        case .topN(let node) where node.latestPerKey:
            return node.input
        case .project(var node):
            node.input = readingRecords(node.input)
            return .project(node)
        default:
            return plan
        }
    }

    /// The relation the query writes, from the plan bound for `query`.
    func relation(named name: String, kind: RelationKind, plan: StreamPlan) throws(SQLError) -> Relation {
        var fields = plan.schema.fields
        let systemStart = fields.count - systemColumns.count
        if let outputNames, outputNames.count == systemStart {
            for i in 0..<systemStart { fields[i].name = outputNames[i] }
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
        try Self.checkKeyTypes(primaryKey.map { fields[$0] }, keyFormat: options["key_format"] ?? options["format"])
        let systemIndices = Array(systemStart..<fields.count)
        return Relation(
            name: name, kind: kind == .table ? .table : .stream, schema: schema,
            connector: ConnectorSpec(connector: "kafka", options: options),
            watermark: WatermarkSpec(column: systemStart, delayMillis: 0), primaryKey: primaryKey, systemColumns: systemIndices)
    }

    /// Key columns ksqlDB refuses: any holding a MAP (its serialization is not stable, so equal
    /// keys could differ in bytes), and nested ones in a key format that has no nesting.
    private static func checkKeyTypes(_ keys: [Field], keyFormat: String?) throws(SQLError) {
        func containsMap(_ type: SQLType) -> Bool {
            if case .map = type { return true }
            return type.childTypes.contains(where: containsMap)
        }
        for key in keys {
            if containsMap(key.type) {
                throw SQLError(
                    .featureNotSupported,
                    "Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `\(key.name)`. Column type: \(key.type).")
            }
            let format = (keyFormat ?? "KAFKA").uppercased()
            if format == "KAFKA", case .decimal = key.type {
                throw SQLError(.featureNotSupported, "Key format does not support schema.\nformat: KAFKA\nreason: The 'KAFKA' format does not support type 'DECIMAL'",
                               hint: "set KEY_FORMAT = 'JSON'")
            }
            if key.type.isNested, format == "DELIMITED" || format == "KAFKA" {
                let kind: String = switch key.type {
                case .row: "STRUCT"
                case .array: "ARRAY"
                default: "MAP"
                }
                throw SQLError(.featureNotSupported, "The '\(format)' format does not support type '\(kind)', column: `\(key.name)`")
            }
        }
    }

    /// A result column may not take a system column's name (`SELECT ROWOFFSET` or `WINDOWSTART`
    /// unaliased, or `... AS ROWTIME`); a join prefixes its columns' names (`S1_ROWTIME`), so
    /// there only an alias can.
    private static func checkReservedNames(_ select: Select, isJoin: Bool) throws(SQLError) {
        let reservedNames = KsqlSystemColumn.named + [.windowStart, .windowEnd]
        for case .expression(let item) in select.items {
            var name = item.alias?.value
            if name == nil, !isJoin, case .column(let reference) = item.expr { name = reference.name.value }
            if let name, let reserved = KsqlSystemColumn(name: name), reservedNames.contains(reserved) {
                throw SQLError(.duplicateObject, "Reserved column name in select: `\(reserved.rawValue)`. Please remove or alias the column.",
                               at: item.span)
            }
        }
    }

    /// `*` over a source re-keyed by `PARTITION BY`, as ksqlDB expands it: the PARTITION BY
    /// expressions (the new key columns), then the source's value columns and then its old key
    /// columns, leaving out the columns that became keys.
    private static func expandingWildcards(
        _ items: [SelectItem], partitionBy: [Expr], source: (relation: Relation, qualifier: String)
    ) -> [SelectItem] {
        let relation = source.relation
        var partitioned: Set<String> = []
        for case .column(let reference) in partitionBy { partitioned.insert(reference.name.value.lowercased()) }
        let visible = relation.schema.fields.indices.filter { !relation.systemColumns.contains($0) }
        let keys = Set(relation.primaryKey)
        let rest = (visible.filter { !keys.contains($0) } + relation.primaryKey)
            .map { relation.schema[$0].name }
            .filter { !partitioned.contains($0.lowercased()) }
        var expanded: [SelectItem] = []
        for item in items {
            guard case .wildcard(let wildcard) = item,
                  wildcard.qualifier == nil || wildcard.qualifier!.name.value.lowercased() == source.qualifier.lowercased() else {
                expanded.append(item)
                continue
            }
            expanded += partitionBy.map { .expression(SelectExpression(expr: $0, span: wildcard.span)) }
            // Quoted: the stored name is the column's exact name, whatever its case.
            expanded += rest.map { .expression(SelectExpression(expr: .column(ColumnReference([Identifier($0, quoted: true)])), span: wildcard.span)) }
        }
        return expanded
    }

    /// ksqlDB cannot group or join sources whose value is in the `KAFKA` format.
    private static func checkKafkaValueFormat(_ select: Select, sources: [(relation: Relation, qualifier: String)]) throws(SQLError) {
        let operation = !select.groupBy.isEmpty ? "GROUP BY" : sources.count > 1 ? "JOIN" : nil
        guard let operation else { return }
        let kafka = sources.filter { ($0.relation.connector["value_format"] ?? $0.relation.connector["format"])?.uppercased() == "KAFKA" }
        guard !kafka.isEmpty else { return }
        throw SQLError(.featureNotSupported,
                       "Source(s) \(kafka.map { $0.relation.name.uppercased() }.joined(separator: ", ")) are using the 'KAFKA' value format. This format does not yet support \(operation).",
                       at: select.span, hint: "declare the source with VALUE_FORMAT 'JSON' or 'DELIMITED'")
    }

    /// ksqlDB's aggregates that cannot take a row back are refused over a table, with its words.
    private static func checkTableAggregates(_ select: Select, sources: [(relation: Relation, qualifier: String)]) throws(SQLError) {
        guard !select.groupBy.isEmpty, sources.contains(where: { $0.relation.kind == .table }) else { return }
        let streamOnly: Set<String> = ["LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET", "MIN", "MAX", "TOPK", "TOPKDISTINCT"]
        var used: [String] = []
        for case .expression(let item) in select.items {
            if case .function(let call) = item.expr, streamOnly.contains(call.upperName), !used.contains(call.upperName) { used.append(call.upperName) }
        }
        guard !used.isEmpty else { return }
        let names = used.count == 1 ? used[0] : used.dropLast().joined(separator: ", ") + " and " + used.last!
        throw SQLError(.groupingError, "The aggregation function\(used.count == 1 ? "" : "s") \(names) cannot be applied to a table source, only to a stream source.",
                       at: select.span)
    }

    /// One column of the result: its name, the source column it shows unchanged, if any, and
    /// whether it is a join's synthetic key.
    struct Output {
        var name: String
        var origin: (source: Int, column: String)?
        var synthetic = false
    }

    static func collect(_ reference: TableReference, catalog: some Catalog, into sources: inout [(relation: Relation, qualifier: String)]) {
        switch reference {
        case .named(let named):
            if let relation = catalog.relation(named: named.name.name.value) {
                sources.append((relation, named.alias?.value ?? named.name.name.value))
            }
        case .join(let join):
            collect(join.left, catalog: catalog, into: &sources)
            collect(join.right, catalog: catalog, into: &sources)
        case .derived, .windowFunction, .unnest, .matchRecognize:
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
        // `PARTITION BY NULL` alone: records without a key.
        if select.groupBy.isEmpty, keyExprs.count == 1, case .literal(let literal) = keyExprs[0], literal.value == .null { return [] }
        if !keyExprs.isEmpty {
            return try keyExprs.map { (expr: Expr) throws(SQLError) -> String in
                var names: [String] = []
                for (index, item) in select.items.enumerated() {
                    guard case .expression(let selected) = item, let name = itemNames[index] else { continue }
                    // Unquoted names match whatever their case (`INITCAP(COL1)` selects `INITCAP(col1)`).
                    if selected.expr == expr || selected.expr.description.uppercased() == expr.description.uppercased() {
                        names.append(name)
                    } else if case .column(let a) = selected.expr, case .column(let b) = expr, a.name.normalized == b.name.normalized,
                              a.qualifier.isEmpty || b.qualifier.isEmpty || a.qualifier.last!.normalized == b.qualifier.last!.normalized {
                        names.append(name)
                    }
                }
                guard let first = names.first else {
                    throw SQLError(.groupingError, "Key missing from projection (ie, SELECT): the query used to build \(target) must include the grouping expression \(expr) in its projection",
                                   at: expr.span, hint: "add it to the select list")
                }
                try checkSelectedOnce(key: expr.description, names: names, at: expr.span)
                return first
            }
        }
        guard sources.count == 1 else { return [] }
        let relation = sources[0].relation
        var names: [String] = []
        var selected: [String: [String]] = [:]
        for (index, item) in select.items.enumerated() {
            switch item {
            case .wildcard:
                for key in relation.primaryKey {
                    names.append(relation.schema[key].name.uppercased())
                    selected[relation.schema[key].name.lowercased(), default: []].append(relation.schema[key].name.uppercased())
                }
            case .expression(let item):
                guard case .column(let reference) = item.expr, let name = itemNames[index],
                      let key = relation.primaryKey.first(where: { relation.schema[$0].name.lowercased() == reference.name.value.lowercased() })
                else { continue }
                if selected[relation.schema[key].name.lowercased()] == nil { names.append(name) }
                selected[relation.schema[key].name.lowercased(), default: []].append(name)
            }
        }
        for key in relation.primaryKey {
            try checkSelectedOnce(key: relation.schema[key].name.uppercased(), names: selected[relation.schema[key].name.lowercased()] ?? [], at: select.span)
        }
        return names
    }

    /// The key of a foreign-key join's result: every key column of the left table, selected once.
    private static func foreignKeyJoinKeyNames(outputs: [Output], left: (relation: Relation, qualifier: String), at span: SourceSpan) throws(SQLError) -> [String] {
        var names: [String] = []
        var missing: [String] = []
        for key in left.relation.primaryKey {
            let column = left.relation.schema[key].name
            let selected = outputs.filter { $0.origin?.source == 0 && $0.origin?.column == column.lowercased() }.map(\.name)
            guard let first = selected.first else {
                missing.append(column.uppercased())
                continue
            }
            try checkSelectedOnce(key: "\(left.qualifier.uppercased())_\(column.uppercased())", names: selected, at: span)
            names.append(first)
        }
        guard missing.isEmpty else {
            let plural = missing.count > 1
            throw SQLError(.groupingError,
                           "Primary key column\(plural ? "s" : "") missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`\(left.qualifier.uppercased())`). Missing column\(plural ? "s" : ""): \(missing.map { "`\($0)`" }.joined(separator: ", ")).",
                           at: span, hint: "select \(missing.joined(separator: ", ")): the left table's key is the result's key")
        }
        return names
    }

    /// A key column becomes the message key once: ksqlDB refuses a projection that selects it twice.
    private static func checkSelectedOnce(key: String, names: [String], at span: SourceSpan) throws(SQLError) {
        guard names.count > 1 else { return }
        let aliases = names.sorted()
        throw SQLError(.groupingError, "The projection contains a key column (`\(key)`) more than once, aliased as: \(aliases.dropLast().joined(separator: ", ")) and \(aliases.last!).",
                       at: span, hint: "select it once")
    }

    /// ksqlDB's refusals of a result's key format: `KAFKA` holds one column, and a stream without
    /// key columns takes no key format.
    private static func checkKeyFormat(keyNames: [String], options: [String: String], given: [String: String], kind: RelationKind, at span: SourceSpan) throws(SQLError) {
        if keyNames.isEmpty, kind == .stream, given["key_format"] != nil {
            throw SQLError(.invalidParameterValue, "Key format specified for stream without key columns.", at: span,
                           hint: "remove KEY_FORMAT, or give the stream a key with PARTITION BY")
        }
        let format = (options["key_format"] ?? options["format"] ?? "KAFKA").uppercased()
        if format == "KAFKA", keyNames.count > 1 {
            throw SQLError(.invalidParameterValue, "Key format does not support schema.\nformat: KAFKA\nreason: The 'KAFKA' format only supports a single field. Got: [\(keyNames.map { "`\($0)`" }.joined(separator: ", "))]",
                           at: span, hint: "set KEY_FORMAT = 'JSON' (or another format that holds several columns)")
        }
    }
}
