import Foundation
import Logging
public import RivuletCore
public import RivuletEngine
public import RivuletPlanner
import RivuletConnectors
import RivuletRuntime
public import RivuletSQL

/// The server's control plane: owns the one `Engine` (its catalog, embedded streams and
/// settings) and every persistent query, and records accepted definitions in the catalog log.
///
/// The engine is not Sendable and never leaves this actor; statements from every session are
/// executed here one at a time. Queries run in their own tasks, each owning its pipeline; the
/// actor only starts them, asks them to stop, and reads their counters.
public actor QueryManager {
    /// What executing a statement produced, for the session to send.
    public enum Outcome: Sendable {
        /// A statement without rows, with its command tag.
        case command(String)
        /// A static result (SHOW, DESCRIBE, EXPLAIN).
        case rows(ResultSet)
        /// A SELECT, bound and ready for the session to run.
        case query(PreparedQuery)
        /// The persistent queries that started (several for a statement set).
        case started([PersistentQuery])
    }

    /// How long an idle query (its sources had nothing new) waits before stepping again.
    static let idlePause: Duration = .milliseconds(20)

    private let engine: Engine
    /// What the system catalog shows, readable by sessions without a hop to this actor.
    nonisolated let catalogSnapshot: CatalogSnapshot
    /// What queries open their sources and sinks with, outside this actor.
    let connectors: QueryConnectors
    private let batchSize: Int
    private let materialized: MaterializedTableStore
    private let log: CatalogLog?
    private var queries: [PersistentQuery] = []
    private var tasks: [String: Task<Void, Never>] = [:]
    /// Connectors by lower-cased name, and their tasks.
    private var sourceConnectors: [String: SourceConnector] = [:]
    private var connectorTasks: [String: Task<Void, Never>] = [:]
    private var nextQueryNumber = 1
    private var isShutDown = false
    /// Query starts, stops and failures.
    private let logger = Logger(label: "rivulet.queries")
    /// Set in a cluster: shared statements go through its catalog topic instead of the log.
    private let cluster: ClusterCatalog?
    /// What applying the catalog topic's records gave, by offset, until the session that
    /// appended the record takes it (see `propose`).
    private var sharedOutcomes: [Int64: Result<Outcome, SQLError>] = [:]
    private var sharedWaiters: [Int64: CheckedContinuation<Result<Outcome, SQLError>, Never>] = [:]

    /// - Parameters:
    ///   - persistent: keep the catalog in `catalog.jsonl` in the data directory (in a cluster,
    ///     its catalog topic holds it instead) and checkpoints there.
    ///   - cluster: set when this server is one of a cluster.
    public init(
        workingDirectory: String, dataDirectory: String, batchSize: Int = 8192, persistent: Bool = true,
        cluster: ClusterConfiguration? = nil
    ) throws {
        let materialized = MaterializedTableStore()
        let engine = Engine(
            configuration: EngineConfiguration(
                workingDirectory: workingDirectory, dataDirectory: dataDirectory, batchSize: batchSize,
                materializedTableConnector: MaterializedTableConnector.name),
            connectors: [MaterializedTableConnector(store: materialized)])
        self.engine = engine
        self.catalogSnapshot = engine.catalog.snapshot
        engine.catalog.snapshot.update { contents in
            contents.settings = ClientCompatibility.standardSettings.map { name in
                (name, ClientCompatibility.setting(name, settings: [:], serverVersion: Server.serverVersion) ?? "")
            }
        }
        self.materialized = materialized
        self.connectors = engine.connectors
        self.batchSize = batchSize
        self.log = persistent && cluster == nil ? try CatalogLog(directory: URL(fileURLWithPath: dataDirectory)) : nil
        self.cluster = try cluster.map { configuration throws(SQLError) in try ClusterCatalog(configuration: configuration) }
        // Inserted rows live in their stream's file, not in the catalog log.
        if persistent { try engine.embedded.makeDurable(in: URL(fileURLWithPath: dataDirectory).appendingPathComponent("streams")) }
    }

    // MARK: - Statements

    /// Executes one statement with a session's SET options. `record`: append an accepted
    /// definition to the catalog log (false for boot files, which run again at every start).
    /// `context`: the client session's parameters, functions and column naming, for binding.
    /// `cancel`: the statement's, which stops its planning once set.
    /// In a cluster, a statement that changes the catalog is shared (see `ClusterCatalog`).
    public func execute(
        _ parsed: ParsedStatement, settings: Settings = Settings(), context: BindingContext? = nil, record: Bool = true,
        cancel: CancelFlag? = nil
    ) async throws(SQLError) -> Outcome {
        guard !isShutDown else { throw SQLError(SQLState("57P01"), "the server is shutting down") }
        if let cluster, let entry = try sharedEntry(for: parsed, settings: settings, context: context) {
            return try await propose(entry, to: cluster)
        }
        return try await executeHere(parsed, settings: settings, context: context, record: record, cancel: cancel)
    }

    /// Runs a statement on this server only.
    private func executeHere(
        _ parsed: ParsedStatement, settings: Settings, context: BindingContext?, record: Bool, cancel: CancelFlag?
    ) async throws(SQLError) -> Outcome {
        guard !isShutDown else { throw SQLError(SQLState("57P01"), "the server is shutting down") }
        engine.settings = settings
        engine.bindingContext = context
        engine.planningInterrupt = Self.interrupt(cancel)
        defer { engine.planningInterrupt = {} }
        switch parsed.statement {
        case .show(let show) where show.kind == .queries:
            return .rows(queryTable())
        case .show(let show) where show.kind == .connectors:
            return .rows(connectorTable())
        case .connector(let statement):
            return try await connector(statement, sql: parsed.text, record: record)
        case .terminate(let terminate):
            try await self.terminate(terminate)
            return .command("TERMINATE")
        case .explain(let explain):
            if case .queryId(let id) = explain.target {
                guard let query = query(id) else { throw unknownQuery(id, at: explain.span) }
                return .rows(ResultSet(schema: Schema([Field("plan", .varchar)]), rows: query.explain.map { [.string($0)] }))
            }
        case .describe(let describe) where describe.extended:
            return .rows(try engine.describe(describe, queries: queryRows(of: describe.name.name.value)))
        case .drop(let drop):
            let name = drop.name.name.value.lowercased()
            let users = queries.filter { $0.status.state == .running && ($0.sink.lowercased() == name || $0.sources.contains(name)) }
            if !users.isEmpty {
                throw SQLError(
                    SQLState("55006"), "cannot drop '\(drop.name.name.value)': running queries use it: \(users.map(\.id).joined(separator: ", "))",
                    at: drop.name.span, hint: "TERMINATE them first")
            }
        default:
            break
        }
        let result = try engine.execute(parsed)
        switch result {
        case .completed:
            if record { try self.record(parsed, settings: settings) }
            if case .drop(let drop) = parsed.statement { forget(drop.name.name.value) }
            return .command(Self.tag(of: parsed.statement))
        case .rows(let rows):
            return .rows(rows)
        case .query(let prepared):
            return .query(prepared)
        case .persistentQuery(let prepared):
            if cluster != nil {
                do throws(SQLError) {
                    try ClusterQueryRules.check(prepared, at: parsed.statement.span)
                } catch {
                    // A refused CREATE ... AS SELECT leaves no relation behind.
                    if case .createRelationAsSelect(let create) = parsed.statement { engine.catalog.remove(create.name.name.value) }
                    throw error
                }
            }
            return .started([try startPersistent(prepared, sql: parsed.text, settings: settings, record: record)])
        case .persistentQueries(let prepared):
            // A statement set: each INSERT a query of its own, logged with its own text.
            guard case .statementSet(let set) = parsed.statement, set.inserts.count == prepared.count else {
                throw SQLError.internal("a statement set's queries do not match its INSERTs")
            }
            if cluster != nil {
                for query in prepared { try ClusterQueryRules.check(query, at: set.span) }
            }
            var started: [PersistentQuery] = []
            for (insert, query) in zip(set.inserts, prepared) {
                started.append(try startPersistent(query, sql: insert.text, settings: settings, record: record))
            }
            return .started(started)
        }
    }

    /// Starts `prepared` under the next query id, and logs it (`sql`) so that a restart runs it again.
    private func startPersistent(_ prepared: PreparedQuery, sql: String, settings: Settings, record: Bool) throws(SQLError) -> PersistentQuery {
        let id = "q\(nextQueryNumber)"
        nextQueryNumber += 1
        let query = start(prepared, id: id, settings: settings)
        if record {
            try write(CatalogLog.Entry(
                kind: .query, sql: sql, relation: prepared.sink?.name.lowercased() ?? "", query: id,
                terminated: false, settings: settings.values.isEmpty ? nil : settings.values))
        }
        return query
    }

    /// The result columns of a statement, without running it; nil when it returns none.
    /// The result columns of `parsed`, without running it; the types its parameters take are
    /// learned into `context`.
    public func describe(
        _ parsed: ParsedStatement, settings: Settings = Settings(), context: BindingContext? = nil, cancel: CancelFlag? = nil
    ) async throws(SQLError) -> Schema? {
        engine.settings = settings
        engine.bindingContext = context
        try engine.inferParameterTypes(parsed)
        switch parsed.statement {
        case .query:
            engine.planningInterrupt = Self.interrupt(cancel)
            defer { engine.planningInterrupt = {} }
            guard case .query(let prepared) = try engine.execute(parsed) else { return nil }
            return SelectCursor.schema(for: prepared.query)
        case .show, .describe, .explain:
            guard case .rows(let rows) = try await execute(parsed, settings: settings, context: context, record: false, cancel: cancel) else { return nil }
            return rows.schema
        case .insertSelect, .createRelationAsSelect, .statementSet:
            return SelectCursor.startedSchema
        default:
            return nil
        }
    }

    /// What stops planning once `cancel` is set: 57014, for the client's cancel request or the
    /// statement timeout.
    private static func interrupt(_ cancel: CancelFlag?) -> () throws(SQLError) -> Void {
        guard let cancel else { return {} }
        return { () throws(SQLError) in
            if try cancel.shouldStop() { throw SQLError(.queryCanceled, "canceling statement due to user request") }
        }
    }

    // MARK: - Persistent queries

    public var persistentQueries: [PersistentQuery] { queries }

    /// The declared streams and tables, for the answers to clients' catalog queries.
    var relations: [Relation] { engine.catalog.allRelations }

    private func query(_ id: String) -> PersistentQuery? {
        queries.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    private func start(_ prepared: PreparedQuery, id: String, settings: Settings) -> PersistentQuery {
        let plan = prepared.query.plan
        let sink = prepared.sink!
        let query = PersistentQuery(
            id: id, sql: prepared.sql, sink: sink.name, sources: plan.sourceNames, operators: plan.explained())
        queries.append(query)
        var options = QueryRun.Options()
        options.follow = true
        options.readAhead = true
        options.batchSize = batchSize
        options.state = settings.stateOptions(spillDirectory: connectors.dataDirectory + "/spill")
        options.sinkHealth = query.sinkHealth
        options.sessionOptions = settings.values
        options.checkpoints = checkpointPolicy(plan: plan, sink: sink, id: id, settings: settings)
        let folder = URL(fileURLWithPath: connectors.dataDirectory).appendingPathComponent("queries")
            .appendingPathComponent(CheckpointPolicy.folder(serverQuery: id))
        options.errorLog = .folder(folder, query: id, maxEntries: settings.errorLogMaxEntries)
        if let configuration = cluster?.configuration {
            let logger = logger
            options.consumerGroup = ConsumerGroupMembership(
                groupId: configuration.consumerGroup(of: id), instanceId: configuration.groupInstance(of: id)
            ) { change in
                logger.info("query partitions \(change)", metadata: ["query": "\(id)"])
            }
        }
        let connectors = connectors
        logger.info("query started", metadata: ["query": "\(id)", "sink": "\(sink.name)", "sql": "\(prepared.sql)"])
        let logger = logger
        tasks[id] = Task.detached {
            await query.run(prepared, connectors: connectors, options: options, logger: logger)
            let status = query.status
            if status.state == .failed { await self.recordFailure(of: id, error: status.error ?? "") }
        }
        return query
    }

    /// Checkpoints are taken when a restart can resume from them: the sink keeps what it was
    /// given or what it committed (not an embedded stream, whose written rows are rebuilt by
    /// running its queries again), and every source gives the same rows again after a restart (an embedded
    /// stream only when all of its rows come back from its file, i.e. no query writes into it).
    private func checkpointPolicy(plan: StreamPlan, sink: Relation, id: String, settings: Settings) -> CheckpointPolicy? {
        guard log != nil || cluster != nil else { return nil }
        func durability(_ relation: Relation) -> ConnectorDurability {
            (try? connectors.registry.factory(for: relation.connector))?.durability ?? .rebuilt
        }
        switch durability(sink) {
        case .kept, .committedRowsKept: break
        case .insertedRowsKept, .rebuilt: return nil
        }
        let written = Set(queries.filter { $0.status.state == .running }.map { $0.sink.lowercased() })
            .union(log?.entries.filter { $0.kind == .query && $0.terminated != true && $0.failed == nil }.map(\.relation) ?? [])
        for source in plan.sourceRelations {
            switch durability(source) {
            case .kept: continue
            case .insertedRowsKept where !written.contains(source.name.lowercased()): continue
            case .insertedRowsKept, .committedRowsKept, .rebuilt: return nil
            }
        }
        return .into(CheckpointPolicy.folder(serverQuery: id), every: settings.checkpointIntervalMillis ?? CheckpointPolicy.serverIntervalMillis)
    }

    /// Removes the checkpoints of queries that will not run again, so an id is never resumed
    /// from another query's state (their bad-record files stay).
    private func removeCheckpoints(of ids: some Sequence<String>) {
        let queriesFolder = URL(fileURLWithPath: connectors.dataDirectory).appendingPathComponent("queries")
        for id in ids {
            let folder = queriesFolder.appendingPathComponent(CheckpointPolicy.folder(serverQuery: id))
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where name.hasPrefix("checkpoint-") || name == "instance" || MaterializedTableConnector.isSavedFile(name) {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    private func terminate(_ terminate: Terminate) async throws(SQLError) {
        let targets: [PersistentQuery]
        if let id = terminate.queryId {
            guard let query = query(id) else { throw unknownQuery(id, at: terminate.span) }
            targets = [query]
        } else {
            targets = queries
        }
        for query in targets { query.requestStop() }
        for query in targets { await tasks[query.id]?.value }
        let ids = Set(targets.map(\.id))
        removeCheckpoints(of: ids)
        do {
            // Kept, marked: a terminated CREATE ... AS SELECT still defines its relation, and
            // the ids of terminated queries are not handed out again.
            try log?.update { entry in
                if entry.kind == .query, let id = entry.query, ids.contains(id) { entry.terminated = true }
            }
        } catch {
            throw SQLError(.ioError, "the queries stopped, but the catalog could not be rewritten: \(error)")
        }
    }

    /// Marks a failed query in the catalog log, so a restart lists it as FAILED with its error
    /// instead of running it again.
    private func recordFailure(of id: String, error: String) {
        do {
            try log?.update { entry in
                if entry.kind == .query, entry.query == id { entry.failed = error }
            }
        } catch {
            logger.error("a failed query could not be marked in the catalog", metadata: ["query": "\(id)", "error": "\(error)"])
        }
    }

    private func unknownQuery(_ id: String, at span: SourceSpan) -> SQLError {
        let known = queries.map(\.id)
        return SQLError(.undefinedObject, "no query '\(id)'", at: span,
                        hint: known.isEmpty ? "no persistent query has been started" : "SHOW QUERIES lists \(known.joined(separator: ", "))")
    }

    /// What `DESCRIBE EXTENDED` says of the queries that read or write a relation: their state
    /// and counters, and their consumer lag per partition of the relation.
    private func queryRows(of name: String) -> [(String, String)] {
        let key = name.lowercased()
        var rows: [(String, String)] = []
        for query in queries where query.sink.lowercased() == key || query.sources.contains(key) {
            let status = query.status
            let role = query.sink.lowercased() == key ? "writes" : "reads"
            rows.append(("(query \(query.id))", "\(role), \(status.state.rawValue): rows in \(status.metrics.rowsRead), rows out \(status.metrics.rowsWritten), "
                + "late rows \(status.metrics.lateRows), bad records \(status.metrics.badRecords)"))
            for lag in status.metrics.partitionLags where lag.source.lowercased() == key {
                rows.append(("(query \(query.id) lag \(lag.topic)/\(lag.partition))", "consumer lag \(lag.lag): at offset \(lag.position) of \(lag.end)"))
            }
        }
        return rows
    }

    /// In a cluster, a last column lists the source partitions this server reads now.
    private func queryTable() -> ResultSet {
        var fields = [
            Field("id", .varchar), Field("state", .varchar), Field("rows_in", .bigint), Field("rows_out", .bigint),
            Field("late_rows", .bigint), Field("bad_records", .bigint), Field("errors_trimmed", .bigint),
            Field("error", .varchar), Field("sql", .varchar),
        ]
        if cluster != nil { fields.append(Field("partitions", .varchar)) }
        let rows = queries.map { query -> [Value] in
            let status = query.status
            var row: [Value] = [
                .string(query.id), .string(query.stateText), .int(Int64(status.metrics.rowsRead)),
                .int(Int64(status.metrics.rowsWritten)), .int(Int64(status.metrics.lateRows)),
                .int(Int64(status.metrics.badRecords)), .int(Int64(query.errorLogTrimmed)),
                status.error.map(Value.string) ?? .null, .string(query.sql),
            ]
            if cluster != nil {
                let owned = status.metrics.partitionLags.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
                row.append(.string(owned.map { "\($0.topic)/\($0.partition)" }.joined(separator: ",")))
            }
            return row
        }
        return ResultSet(schema: Schema(fields), rows: rows)
    }

    /// Stops every query (their sinks are flushed and closed) and connector, and refuses
    /// further statements.
    public func shutdown() async {
        isShutDown = true
        cluster?.stop()
        for waiter in sharedWaiters.values { waiter.resume(returning: .failure(SQLError(SQLState("57P01"), "the server is shutting down"))) }
        sharedWaiters = [:]
        for query in queries { query.requestStop() }
        for connector in sourceConnectors.values { connector.requestStop(droppingSlot: false) }
        for task in tasks.values { await task.value }
        for task in connectorTasks.values { await task.value }
    }

    // MARK: - Cluster

    /// In a cluster, applies the records of the catalog topic and keeps following it; returns
    /// once the records it held are applied.
    public func joinCluster() async throws(SQLError) {
        guard let cluster else { return }
        try await cluster.follow { offset, entry in await self.applyShared(entry, at: offset) }
    }

    /// The catalog topic's record of `parsed`, for statements that change the catalog; nil for
    /// the others, which run here only (SELECT, SHOW, INSERT ... VALUES into this server's
    /// embedded streams). A persistent query the cluster cannot run is refused here, before it
    /// reaches the topic (planning one has no effect).
    private func sharedEntry(for parsed: ParsedStatement, settings: Settings, context: BindingContext?) throws(SQLError) -> CatalogLog.Entry? {
        let values = settings.values.isEmpty ? nil : settings.values
        switch parsed.statement {
        case .createRelation(let create):
            return CatalogLog.Entry(kind: .definition, sql: parsed.text, relation: create.name.name.value.lowercased())
        case .createView(let view):
            return CatalogLog.Entry(kind: .definition, sql: parsed.text, relation: view.name.name.value.lowercased())
        case .drop(let drop):
            return CatalogLog.Entry(kind: .removal, sql: parsed.text, relation: drop.name.name.value.lowercased())
        case .terminate:
            return CatalogLog.Entry(kind: .removal, sql: parsed.text, relation: "")
        case .createRelationAsSelect(let create):
            return CatalogLog.Entry(kind: .query, sql: parsed.text, relation: create.name.name.value.lowercased(), settings: values)
        case .insertSelect, .statementSet:
            engine.settings = settings
            engine.bindingContext = context
            switch try engine.execute(parsed) {
            case .persistentQuery(let prepared):
                try ClusterQueryRules.check(prepared, at: parsed.statement.span)
            case .persistentQueries(let prepared):
                for query in prepared { try ClusterQueryRules.check(query, at: parsed.statement.span) }
            default:
                break
            }
            return CatalogLog.Entry(kind: .query, sql: parsed.text, relation: "", settings: values)
        case .connector(.create(let create)):
            throw SQLError.unsupported("connectors are not shared by the servers of a cluster yet", at: create.span)
        default:
            return nil
        }
    }

    /// Appends `entry` to the catalog topic and answers with what applying it here gave, once
    /// this server has read it back (so every server applies the same statements in one order).
    private func propose(_ entry: CatalogLog.Entry, to cluster: ClusterCatalog) async throws(SQLError) -> Outcome {
        let offset = try await cluster.append(entry)
        if let outcome = sharedOutcomes.removeValue(forKey: offset) { return try outcome.get() }
        let outcome = await withCheckedContinuation { sharedWaiters[offset] = $0 }
        return try outcome.get()
    }

    /// Applies the catalog topic's record at `offset`, and hands the outcome to the session
    /// waiting for it, when it is on this server.
    private func applyShared(_ entry: CatalogLog.Entry?, at offset: Int64) async {
        let outcome: Result<Outcome, SQLError>
        if let entry, let parsed = try? parseScript(entry.sql).first {
            do throws(SQLError) {
                outcome = .success(try await executeHere(parsed, settings: try Settings(entry.settings ?? [:]), context: nil, record: false, cancel: nil))
            } catch {
                outcome = .failure(error)
            }
        } else {
            outcome = .failure(SQLError.internal("record \(offset) of the catalog topic is not a catalog entry"))
        }
        if case .failure(let error) = outcome {
            // Every server fails it the same way, so their catalogs stay the same.
            logger.notice("shared statement not applied", metadata: ["offset": "\(offset)", "error": "\(error.message)"])
        }
        if let waiter = sharedWaiters.removeValue(forKey: offset) {
            waiter.resume(returning: outcome)
        } else {
            // Kept for a session of this server whose append has not returned yet; others' are never asked for.
            sharedOutcomes[offset] = outcome
            sharedOutcomes = sharedOutcomes.filter { $0.key > offset - 1_000 }
        }
    }

    // MARK: - Connectors

    private func connector(_ statement: ConnectorStatement, sql: String, record: Bool) async throws(SQLError) -> Outcome {
        let name = statement.name.value
        let key = name.lowercased()
        switch statement {
        case .create(let create):
            if sourceConnectors[key] != nil {
                if create.ifNotExists { return .command("CREATE CONNECTOR") }
                throw SQLError(SQLState("42710"), "connector '\(name)' already exists", at: create.name.span, hint: "DROP CONNECTOR \(name) first")
            }
            guard create.kind == .source else {
                throw SQLError.unsupported("sink connectors are not supported: write to other systems with INSERT INTO a table that names them",
                                           at: create.span)
            }
            var properties: [String: String] = [:]
            for option in create.options { properties[option.key.lowercased()] = option.value.text }
            let options = try DebeziumPostgresOptions(properties)
            if let slotUser = sourceConnectors.values.first(where: { $0.options.slot == options.slot }) {
                throw SQLError(SQLState("42710"), "connector '\(slotUser.name)' already reads slot '\(options.slot)'", at: create.span,
                               hint: "give this connector another 'slot.name'")
            }
            if record { try write(CatalogLog.Entry(kind: .connector, sql: sql, relation: "", connector: key)) }
            startConnector(SourceConnector(name: name, sql: sql, options: options, folder: connectorFolder(key)))
            return .command("CREATE CONNECTOR")
        case .describe:
            guard let connector = sourceConnectors[key] else { throw unknownConnector(statement.name) }
            let status = connector.current
            let rows: [(String, String?)] = [
                ("name", connector.name), ("type", "SOURCE"), ("class", DebeziumPostgresOptions.connectorClass), ("state", status.state),
                ("topics", status.topics.joined(separator: ", ")), ("slot", connector.options.slot),
                ("position", LogSequenceNumber.text(status.position)), ("events", String(status.events)), ("error", status.error),
            ]
            return .rows(ResultSet(schema: Schema([Field("property", .varchar), Field("value", .varchar)]),
                                   rows: rows.map { [.string($0.0), $0.1.map(Value.string) ?? .null] }))
        case .drop(let reference):
            guard let connector = sourceConnectors.removeValue(forKey: key) else {
                if reference.ifExists { return .command("DROP CONNECTOR") }
                throw unknownConnector(statement.name)
            }
            connector.requestStop(droppingSlot: true)
            await connectorTasks.removeValue(forKey: key)?.value
            do {
                try log?.retain { $0.connector != key }
            } catch {
                throw SQLError(.ioError, "connector '\(name)' was dropped, but the catalog could not be rewritten: \(error)")
            }
            return .command("DROP CONNECTOR")
        }
    }

    private func startConnector(_ connector: SourceConnector) {
        let key = connector.name.lowercased()
        sourceConnectors[key] = connector
        let logger = logger
        connectorTasks[key] = Task.detached { await connector.run(logger: logger) }
    }

    private func connectorFolder(_ key: String) -> String {
        URL(fileURLWithPath: connectors.dataDirectory).appendingPathComponent("connectors").appendingPathComponent(key).path
    }

    private func unknownConnector(_ name: Identifier) -> SQLError {
        let known = sourceConnectors.values.map(\.name).sorted()
        return SQLError(.undefinedObject, "no connector '\(name.value)'", at: name.span,
                        hint: known.isEmpty ? "no connector has been created" : "SHOW CONNECTORS lists \(known.joined(separator: ", "))")
    }

    private func connectorTable() -> ResultSet {
        let rows = sourceConnectors.values.sorted { $0.name < $1.name }.map { connector -> [Value] in
            let status = connector.current
            return [.string(connector.name), .string("SOURCE"), .string(DebeziumPostgresOptions.connectorClass), .string(status.state),
                    .string(status.topics.joined(separator: ", "))]
        }
        return ResultSet(schema: ConnectorListing.schema, rows: rows)
    }

    // MARK: - Catalog log

    /// Runs the statements of the catalog log again, restarting its persistent queries with
    /// their ids. Returns a warning for each entry that no longer runs (it stays in the log).
    public func restore() -> [String] {
        guard let log else { return [] }
        var warnings: [String] = []
        // Queries start once every entry has run, so that the embedded rows they resume over are all back.
        var restarted: [(PreparedQuery, String, Settings)] = []
        // Terminated and failed queries do not run again but stay listed, with their plans when they still bind.
        var ended: [(entry: CatalogLog.Entry, prepared: PreparedQuery?)] = []
        // Logs of earlier versions hold inserted rows; they run again into fresh stream files
        // (whatever a run interrupted before compaction wrote there goes first) and leave the log.
        let legacyRows = Set(log.entries.filter { $0.kind == .rows }.map(\.relation))
        for name in legacyRows { engine.embedded.drop(name) }
        for entry in log.entries {
            do {
                if entry.kind == .connector {
                    guard case .connector(.create(let create))? = try parseScript(entry.sql).first?.statement else { continue }
                    var properties: [String: String] = [:]
                    for option in create.options { properties[option.key.lowercased()] = option.value.text }
                    let key = create.name.value.lowercased()
                    startConnector(SourceConnector(name: create.name.value, sql: entry.sql, options: try DebeziumPostgresOptions(properties),
                                                   folder: connectorFolder(key)))
                    continue
                }
                if let id = entry.query, let number = Int(id.dropFirst()) { nextQueryNumber = max(nextQueryNumber, number + 1) }
                guard let parsed = try parseScript(entry.sql).first else { continue }
                let settings = try Settings(entry.settings ?? [:])
                engine.settings = settings
                engine.bindingContext = nil
                let hasEnded = entry.terminated == true || entry.failed != nil
                if hasEnded, case .insertSelect = parsed.statement {
                    // Planning an INSERT ... SELECT has no effect; a query that no longer binds is listed without a plan.
                    let result = try? engine.execute(parsed)
                    if case .persistentQuery(let prepared)? = result { ended.append((entry, prepared)) } else { ended.append((entry, nil)) }
                    continue
                }
                let result = try engine.execute(parsed)
                if case .persistentQuery(let prepared) = result, let id = entry.query {
                    if hasEnded { ended.append((entry, prepared)) } else { restarted.append((prepared, id, settings)) }
                }
            } catch {
                let sql = entry.sql.split(whereSeparator: \.isNewline).joined(separator: " ")
                warnings.append("\(log.url.path): \(sql.prefix(80)): \(error.message)")
            }
        }
        if !legacyRows.isEmpty {
            do {
                try log.retain { $0.kind != .rows }
            } catch {
                warnings.append("\(log.url.path): inserted rows are now in their streams' files, but the log could not be rewritten: \(error)")
            }
        }
        let embeddedStreams = engine.catalog.allRelations.filter { $0.connector.connector == ConnectorSpec.embedded }
        engine.embedded.retain(Set(embeddedStreams.map { $0.name.lowercased() }))
        for (entry, prepared) in ended {
            guard let id = entry.query else { continue }
            let plan = prepared?.query.plan
            let query = PersistentQuery(
                id: id, sql: entry.sql, sink: prepared?.sink?.name ?? entry.relation, sources: plan?.sourceNames ?? [],
                operators: plan?.explained() ?? [])
            // A query that failed and was terminated afterwards keeps its first end, as it did before the restart.
            if let error = entry.failed { query.end(.failed, error: error) } else { query.end(.terminated) }
            queries.append(query)
        }
        for (prepared, id, settings) in restarted { _ = start(prepared, id: id, settings: settings) }
        queries.sort { Int($0.id.dropFirst()) ?? 0 < Int($1.id.dropFirst()) ?? 0 }
        return warnings
    }

    private func record(_ parsed: ParsedStatement, settings: Settings) throws(SQLError) {
        switch parsed.statement {
        case .createRelation(let create):
            try write(CatalogLog.Entry(kind: .definition, sql: parsed.text, relation: create.name.name.value.lowercased()))
        case .createView(let view):
            try write(CatalogLog.Entry(kind: .definition, sql: parsed.text, relation: view.name.name.value.lowercased()))
        case .drop(let drop):
            let name = drop.name.name.value.lowercased()
            do {
                removeCheckpoints(of: log?.entries.filter { $0.relation == name }.compactMap(\.query) ?? [])
                try log?.retain { $0.relation != name }
            } catch {
                throw SQLError(.ioError, "'\(drop.name.name.value)' was dropped, but the catalog could not be rewritten: \(error)")
            }
        default:
            break
        }
    }

    private func write(_ entry: CatalogLog.Entry) throws(SQLError) {
        do {
            try log?.append(entry)
        } catch {
            throw SQLError(.ioError, "the statement ran, but the catalog could not be written: \(error)")
        }
    }

    /// What a dropped relation leaves behind outside the engine.
    private func forget(_ name: String) {
        materialized.drop(name)
        // Queries that ended writing into it leave SHOW QUERIES with it (running ones refused the DROP).
        let key = name.lowercased()
        let gone = queries.filter { $0.status.state != .running && $0.sink.lowercased() == key }.map(\.id)
        queries.removeAll { gone.contains($0.id) }
        for id in gone { tasks[id] = nil }
    }

    /// The command tag Postgres clients expect for a statement without rows.
    static func tag(of statement: Statement) -> String {
        switch statement {
        case .createRelation(let create): return create.kind == .table ? "CREATE TABLE" : "CREATE STREAM"
        case .createRelationAsSelect(let create): return create.kind == .table ? "CREATE TABLE" : "CREATE STREAM"
        case .createView: return "CREATE VIEW"
        case .insertValues(let insert): return "INSERT 0 \(insert.rows.count)"
        case .drop(let drop):
            switch drop.kind {
            case .stream: return "DROP STREAM"
            case .table: return "DROP TABLE"
            case .view: return "DROP VIEW"
            }
        case .set: return "SET"
        case .reset: return "RESET"
        case .terminate: return "TERMINATE"
        case .connector(.create): return "CREATE CONNECTOR"
        case .connector(.drop): return "DROP CONNECTOR"
        default: return "OK"
        }
    }
}
