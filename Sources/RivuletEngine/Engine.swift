public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime
public import RivuletSQL
import RivuletConnectors

/// Executes statements against one catalog: declares streams and tables, appends rows, plans
/// queries and runs them. `rivulet run` and the conformance suite drive it directly.
public final class Engine {
    public let configuration: EngineConfiguration
    public let catalog = CatalogStore()
    public let embedded = EmbeddedStreamStore()
    public let badRecords = BadRecordLog()
    public private(set) var registry: ConnectorRegistry
    /// Options set with `SET 'key' = 'value'`; a server sets a session's before each statement.
    public var settings = Settings()
    /// Called as a query is planned; throws to stop planning (see `QueryBinder.checkInterrupted`).
    /// A server sets the statement's before each statement.
    public var planningInterrupt: () throws(SQLError) -> Void = {}
    /// A client session's parameters, functions and column naming for the statement about to
    /// run; nil for scripts. A server sets it before each statement.
    public var bindingContext: BindingContext?
    /// Every query run so far, for SHOW QUERIES.
    public internal(set) var reports: [QueryReport] = []
    /// Checkpoint folders handed out by `run`, and how often each (the same statement twice in
    /// one script gets two folders).
    var checkpointFolders: [String: Int] = [:]
    /// Lines the error log files of `run`'s queries dropped to keep their bound.
    public internal(set) var errorLogTrimmed = 0

    public init(configuration: EngineConfiguration, connectors: [any ConnectorFactory] = []) {
        self.configuration = configuration
        var registry = BuiltinConnectors.registry
        registry.register(EmbeddedConnector(store: embedded))
        for connector in connectors { registry.register(connector) }
        for table in ErrorLogTable.all { registry.register(ErrorLogConnector(table: table, dataDirectory: configuration.dataDirectory)) }
        registry.register(SystemCatalogConnector(snapshot: catalog.snapshot))
        self.registry = registry
        for table in ErrorLogTable.all { catalog.addSystem(table.relation) }
        for relation in SystemCatalogConnector.relations { catalog.addSystem(relation) }
        catalog.snapshot.update { $0.functions = (FunctionNames.scalar, FunctionNames.aggregate) }
    }

    /// The connectors and folders a query run opens its sources and sink with.
    public var connectors: QueryConnectors {
        QueryConnectors(registry: registry, workingDirectory: configuration.workingDirectory, dataDirectory: configuration.dataDirectory)
    }

    var connectorContext: ConnectorContext { connectors.context(badRecords: badRecords) }

    /// Parses and executes every statement of a script, in order.
    public func execute(script: String) throws(SQLError) -> [StatementResult] {
        var results: [StatementResult] = []
        for statement in try parseScript(script) { results.append(try execute(statement)) }
        return results
    }

    public func execute(_ parsed: ParsedStatement) throws(SQLError) -> StatementResult {
        switch try perform(parsed) {
        case .persistentQuery(var query):
            query.lateRowSink = try lateRowSink()
            return .persistentQuery(query)
        case .persistentQueries(var queries):
            let sink = try lateRowSink()
            for i in queries.indices { queries[i].lateRowSink = sink }
            return .persistentQueries(queries)
        case let other:
            return other
        }
    }

    private func perform(_ parsed: ParsedStatement) throws(SQLError) -> StatementResult {
        switch parsed.statement {
        case .createRelation(var create):
            try KsqlSourceRules.checkSchemaIds(create)
            try inferRegistryColumns(&create)
            try KsqlSourceRules.checkKeys(create)
            let relation = try RelationDefinition.relation(from: create)
            let factory = try registry.factory(for: relation.connector)
            for metadata in relation.metadataColumns where !factory.metadataKeys.contains(metadata.key) {
                let offered = factory.metadataKeys.isEmpty ? "none" : factory.metadataKeys.map { "'\($0)'" }.joined(separator: ", ")
                throw SQLError(.invalidParameterValue, "connector '\(relation.connector.connector)' has no metadata '\(metadata.key)' (it offers \(offered))",
                               at: create.columns[metadata.column].span)
            }
            try factory.validate(relation.stored, asSink: false)
            try registry.factory(for: relation.connector).create(relation.stored, asSink: false)
            if create.orReplace { catalog.remove(relation.name) }
            let added = try catalog.add(relation, ifNotExists: create.ifNotExists, at: create.name.span)
            let noun = relation.kind == .stream ? "Stream" : "Table"
            return .completed(added ? "\(noun) \(relation.name) created" : "\(noun) \(relation.name) already exists")
        case .createView(let view):
            let name = view.name.name.value
            let isNew = catalog.view(named: name) == nil
            let query = view.query.naming(view.columns, as: view.name.name)
            try catalog.addView(named: name, query: query, ifNotExists: view.ifNotExists, at: view.name.span)
            // Its columns, for the system catalog; a view that does not bind fails when it is
            // read, but one that reads itself or names more or fewer columns than its query has
            // can never bind and is refused now.
            do {
                catalog.setViewSchema(try queryBinder().bind(query).schema, of: name)
            } catch where (error.state == .invalidObjectDefinition || error.state == .invalidColumnReference) && isNew {
                _ = catalog.removeView(name)
                throw error
            } catch {}
            return .completed("View \(name) created")
        case .createRelationAsSelect(let create):
            return try createAsSelect(create, sql: parsed.text)
        case .statementSet(let set):
            // Every INSERT is planned before any starts: one that does not plan fails the set.
            var queries: [PreparedQuery] = []
            for insert in set.inserts {
                guard case .persistentQuery(let query) = try execute(insert) else {
                    throw SQLError.internal("an INSERT of a statement set planned as no query")
                }
                queries.append(query)
            }
            return .persistentQueries(queries)
        case .insertSelect(let insert):
            guard let target = catalog.relation(named: insert.target.name.value) else {
                throw unknownRelation(insert.target)
            }
            if ErrorLogTable.all.contains(where: { $0.name == target.connector.connector }) {
                try registry.factory(for: target.connector).validate(target, asSink: true)
            }
            let ksql = try KsqlKafkaSink.insertQuery(insert.query, into: target, catalog: catalog)
            var binder = try queryBinder()
            binder.keepsValuelessRecords = ksql.keepsValuelessRecords
            let bound = try binder.bind(ksql.query)
            let plan = try SinkMapping.plan(bound.plan, into: target, columns: insert.columns, at: insert.query.span)
            var query = bound
            query.plan = plan
            return .persistentQuery(PreparedQuery(query: query, sink: target, sql: parsed.text))
        case .insertValues(let insert):
            return try insertValues(insert)
        case .query(let query):
            let bound = try queryBinder().bind(query)
            return .query(PreparedQuery(query: bound, sink: nil, sql: parsed.text))
        case .show(let show):
            return .rows(try self.show(show))
        case .describe(let describe):
            return .rows(try self.describe(describe))
        case .explain(let explain):
            return .rows(try self.explain(explain))
        case .drop(let drop):
            let name = drop.name.name.value
            let removed = drop.kind == .view ? catalog.removeView(name) : catalog.remove(name)
            if !removed && !drop.ifExists { throw unknownRelation(drop.name) }
            embedded.drop(name)
            return .completed(removed ? "Dropped \(name)" : "\(name) does not exist")
        case .set(let option):
            try settings.set(option.key, option.value)
            return .completed("SET \(option.key) = \(option.value)")
        case .reset(let reset):
            settings.reset(reset.key)
            return .completed("RESET")
        case .connector(let statement):
            throw SQLError.unsupported("connectors run in the server: run the statement in `rivulet serve`", at: statement.span)
        case .terminate(let terminate):
            throw SQLError(.undefinedObject, "no running query \(terminate.queryId.map { "'\($0)'" } ?? "")to terminate: queries run to completion here",
                           at: terminate.span)
        }
    }

    func unknownRelation(_ name: ObjectName) -> SQLError {
        let suggestion = closestName(to: name.name.value, among: catalog.relationNames)
        return SQLError(.undefinedTable, "unknown stream or table '\(name.name.value)'", at: name.span,
                        hint: suggestion.map { "did you mean '\($0)'?" })
    }

    private func createAsSelect(_ create: CreateRelationAsSelect, sql: String) throws(SQLError) -> StatementResult {
        let name = create.name.name.value
        if catalog.relation(named: name) != nil {
            if create.ifNotExists { return .completed("\(name) already exists") }
            throw SQLError(.duplicateTable, "'\(name)' already exists", at: create.name.span)
        }
        if let ksql = try KsqlKafkaSink.plan(create, catalog: catalog) {
            var binder = try queryBinder()
            binder.keepsValuelessRecords = ksql.keepsValuelessRecords
            var bound = try binder.bind(ksql.query)
            bound.plan = ksql.adjusted(bound.plan)
            var relation = try ksql.relation(named: name, kind: create.kind, plan: bound.plan)
            relation.nameQuoted = create.name.name.quoted
            try registry.factory(for: relation.connector).validate(relation, asSink: true)
            try registry.factory(for: relation.connector).create(relation, asSink: true)
            try catalog.add(relation, at: create.name.span)
            return .persistentQuery(PreparedQuery(query: bound, sink: relation, sql: sql))
        }
        let bound = try queryBinder().bind(create.query)
        var options: [String: String] = [:]
        for option in create.options { options[option.key.lowercased()] = option.value.text }
        var connector = options["connector"]?.lowercased() ?? ConnectorSpec.embedded
        var primaryKey: [Int] = []
        if connector == ConnectorSpec.embedded, !bound.plan.appendOnly, create.kind == .table,
           let materialized = configuration.materializedTableConnector {
            connector = materialized
            options["connector"] = materialized
            primaryKey = bound.plan.changelogKey ?? []
        }
        if connector == ConnectorSpec.embedded, !bound.plan.appendOnly {
            throw SQLError.unsupported(
                "CREATE ... AS SELECT of an updating query needs an upsert sink: declare the table with a PRIMARY KEY and a connector such as 'sqlite', then INSERT INTO it",
                at: create.query.span)
        }
        var watermark: WatermarkSpec?
        if let time = bound.plan.eventTimeColumn { watermark = WatermarkSpec(column: time, delayMillis: 0) }
        let relation = Relation(
            name: name, kind: create.kind == .table && !bound.plan.appendOnly ? .table : .stream, schema: bound.plan.schema,
            connector: ConnectorSpec(connector: connector, options: options), watermark: watermark, primaryKey: primaryKey)
        try registry.factory(for: relation.connector).validate(relation, asSink: true)
        try catalog.add(relation, at: create.name.span)
        return .persistentQuery(PreparedQuery(query: bound, sink: relation, sql: sql))
    }
}
