import RivuletConnectors
public import RivuletCore
import RivuletPlanner
import RivuletRuntime
public import RivuletSQL

extension Engine {
    /// `INSERT INTO target [(cols)] VALUES (...)`: evaluates the constant rows and appends them.
    func insertValues(_ insert: InsertValues) throws(SQLError) -> StatementResult {
        guard let declared = catalog.relation(named: insert.target.name.value) else { throw unknownRelation(insert.target) }
        if declared.isKsqlKafka { try Self.checkKsqlName(insert.target.name, of: declared) }
        let target = declared.written
        let schema = target.schema
        // ksqlDB's system columns are the record's, not values: only ROWTIME may be given.
        let system = Set(target.systemColumns)
        var targets: [Int] = []
        if insert.columns.isEmpty {
            targets = schema.fields.indices.filter { !system.contains($0) }
        } else {
            for column in insert.columns {
                guard let index = schema.firstIndex(of: column.value) else {
                    throw SQLError(.undefinedColumn, "'\(target.name)' has no column '\(column.value)'", at: column.span)
                }
                if system.contains(index), KsqlSystemColumn(name: schema[index].name) != .rowtime {
                    throw SQLError(.invalidColumnReference, "'\(schema[index].name)' is a system column: a record's, not a value to insert",
                                   at: column.span)
                }
                targets.append(index)
            }
        }
        let binder = ConstantBinder()
        var batch = RowBatch(types: schema.types, capacity: insert.rows.count)
        for row in insert.rows {
            guard row.count == targets.count else {
                let span = row.first.map { $0.span.union(row.last!.span) } ?? insert.span
                throw SQLError(.syntaxError, "VALUES row has \(row.count) value\(row.count == 1 ? "" : "s") but \(targets.count) column\(targets.count == 1 ? " is" : "s are") expected",
                               at: span)
            }
            var values = [Value](repeating: .null, count: schema.count)
            for (expr, target) in zip(row, targets) {
                values[target] = try binder.evaluate(expr, as: schema[target].type, column: schema[target].name)
            }
            // A record written now, with a value, unless its ROWTIME is given.
            for index in system where values[index].isNull {
                switch KsqlSystemColumn(name: schema[index].name) {
                case .rowtime: values[index] = .int(WallClock.now())
                case .valueIsNull: values[index] = .boolean(false)
                default: break
                }
            }
            for (index, field) in schema.fields.enumerated() where !field.nullable && values[index].isNull {
                throw SQLError(SQLState("23502"), "column '\(field.name)' is NOT NULL", at: insert.span)
            }
            batch.appendRow(values)
        }
        do {
            try registry.factory(for: target.connector).insert(batch, into: target, context: connectorContext)
        } catch let error as SQLError {
            throw error
        } catch {
            throw SQLError(.ioError, "writing to '\(target.name)' failed: \(error)")
        }
        return .completed("Inserted \(insert.rows.count) row\(insert.rows.count == 1 ? "" : "s") into \(target.name)")
    }

    /// ksqlDB's names are case-sensitive, an unquoted one upper-cased: `input` does not name a
    /// stream declared `"input"`, nor `"input"` one declared `input`.
    private static func checkKsqlName(_ given: Identifier, of relation: Relation) throws(SQLError) {
        let wanted = given.quoted ? given.value : given.value.uppercased()
        let declared = relation.nameQuoted ? relation.name : relation.name.uppercased()
        guard wanted != declared else { return }
        throw SQLError(.undefinedTable, "Cannot insert values into an unknown stream/table: `\(wanted)`", at: given.span,
                       hint: relation.nameQuoted
                           ? "Did you mean \"\(declared)\"? Wrap the source name in double quotes to make it case-sensitive."
                           : "Did you mean \(declared)? Try removing double quotes from the source name.")
    }

    func show(_ show: Show) throws(SQLError) -> ResultSet {
        switch show.kind {
        case .streams, .tables:
            let wanted: Relation.Kind = show.kind == .streams ? .stream : .table
            let schema = Schema([Field("name", .varchar), Field("connector", .varchar), Field("columns", .bigint)])
            let rows = catalog.allRelations.filter { $0.kind == wanted }.map { relation -> [Value] in
                [.string(relation.name), .string(relation.connector.connector), .int(Int64(relation.schema.count))]
            }
            return ResultSet(schema: schema, rows: rows)
        case .queries:
            let schema = Schema([
                Field("id", .varchar), Field("state", .varchar), Field("rows_in", .bigint), Field("rows_out", .bigint),
                Field("late_rows", .bigint), Field("bad_records", .bigint), Field("sql", .varchar),
            ])
            let rows = reports.map { report -> [Value] in
                [.string(report.id), .string("FINISHED"), .int(Int64(report.rowsIn)), .int(Int64(report.rowsOut)),
                 .int(Int64(report.lateRows)), .int(Int64(report.badRecords)), .string(report.sql)]
            }
            return ResultSet(schema: schema, rows: rows)
        case .functions:
            let names = (FunctionNames.scalar + FunctionNames.aggregate).sorted()
            return ResultSet(schema: Schema([Field("function", .varchar)]), rows: names.map { [.string($0)] })
        case .connectors:
            // Connectors are created in the server; a script has none.
            return ResultSet(schema: ConnectorListing.schema, rows: [])
        case .connectorTypes:
            let schema = Schema([Field("name", .varchar), Field("options", .varchar)])
            // The one-row relation of SELECT without FROM is not something to declare.
            let rows = registry.names.filter { $0 != Relation.oneRowConnector }.map { name -> [Value] in
                [.string(name), .string(ConnectorOptionNames.names(for: name).joined(separator: ", "))]
            }
            return ResultSet(schema: schema, rows: rows)
        case .views:
            let schema = Schema([Field("name", .varchar), Field("columns", .bigint), Field("sql", .varchar)])
            let rows = catalog.snapshot.current.views.map { view -> [Value] in
                [.string(view.name), .int(Int64(view.schema.count)), .string(view.sql)]
            }
            return ResultSet(schema: schema, rows: rows)
        case .properties:
            return settings.inForce(checkpointIntervalMillis: configuration.checkpointIntervalMillis ?? CheckpointPolicy.defaultIntervalMillis)
        case .topics:
            throw SQLError.unsupported("SHOW \(show.kind.rawValue) is not supported", at: show.span)
        }
    }

    func describe(_ describe: Describe) throws(SQLError) -> ResultSet {
        try self.describe(describe, queries: [("(bad records)", String(badRecords.count))])
    }

    /// DESCRIBE's rows; with EXTENDED, the connector and then one row per `(label, text)` of
    /// `queries` (what the queries over the relation did: `rivulet run` counts its bad records,
    /// a server lists its running queries).
    public func describe(_ describe: Describe, queries: [(String, String)]) throws(SQLError) -> ResultSet {
        let schema = Schema([
            Field("column", .varchar), Field("type", .varchar), Field("nullable", .boolean), Field("key", .boolean),
            Field("watermark", .varchar),
        ])
        guard let relation = catalog.relation(named: describe.name.name.value) else {
            // A view: its columns as its query gives them, and with EXTENDED its query.
            let key = describe.name.name.value.lowercased()
            guard describe.kind == nil, let view = catalog.snapshot.current.views.first(where: { $0.name.lowercased() == key }) else {
                throw unknownRelation(describe.name)
            }
            var rows = view.schema.fields.map { field -> [Value] in
                [.string(field.name), .string(field.type.description), .boolean(field.nullable), .boolean(false), .null]
            }
            if describe.extended { rows.append([.string("(view)"), .string(view.sql), .null, .null, .null]) }
            return ResultSet(schema: schema, rows: rows)
        }
        var rows: [[Value]] = []
        for (index, field) in relation.schema.fields.enumerated() {
            var watermark = Value.null
            if let spec = relation.watermark, spec.column == index {
                watermark = .string(spec.delayMillis == 0 ? field.name : "\(field.name) - INTERVAL '\(DecimalFormat.text(unscaled: Int128(spec.delayMillis), scale: 3))' SECOND")
            }
            rows.append([.string(field.name), .string(field.type.description), .boolean(field.nullable),
                         .boolean(relation.primaryKey.contains(index)), watermark])
        }
        if describe.extended {
            rows.append([.string("(connector)"), .string(relation.connector.description), .null, .null, .null])
            for (label, text) in queries { rows.append([.string(label), .string(text), .null, .null, .null]) }
        }
        return ResultSet(schema: schema, rows: rows)
    }

    func explain(_ explain: Explain) throws(SQLError) -> ResultSet {
        guard case .statement(let statement) = explain.target else {
            throw SQLError(.undefinedObject, "no running query to explain; EXPLAIN a statement instead", at: explain.span)
        }
        let plan: StreamPlan
        switch statement {
        case .query(let query):
            plan = try queryBinder().bind(query).plan
        case .insertSelect(let insert):
            guard let target = catalog.relation(named: insert.target.name.value) else { throw unknownRelation(insert.target) }
            let bound = try queryBinder().bind(insert.query)
            plan = try SinkMapping.plan(bound.plan, into: target, columns: insert.columns, at: insert.query.span)
        case .createRelationAsSelect(let create):
            plan = try queryBinder().bind(create.query).plan
        default:
            throw SQLError.unsupported("EXPLAIN takes a query, INSERT ... SELECT or CREATE ... AS SELECT", at: explain.span)
        }
        let lines = plan.explainLines()
        return ResultSet(schema: Schema([Field("plan", .varchar)]), rows: lines.map { [.string($0)] })
    }
}
