import Logging
import RivuletCore
import RivuletEngine
import RivuletPGWire
import RivuletPlanner
import RivuletSQL
import Synchronization

/// One client connection's session: runs its statements through the shared `QueryManager`,
/// keeps its own SET options, and runs its SELECTs itself, so that a long push query never
/// holds up other sessions.
final class EngineSession: SQLSession {
    private let manager: QueryManager
    private let connectors: QueryConnectors
    private let serverVersion: String
    private let user: String
    private let database: String
    private let processID: Int32
    private let role: Role
    /// Called once when the session closes.
    private let onClose: @Sendable () -> Void

    private struct State {
        var settings = Settings()
        /// The statement being planned or the SELECT being streamed, which `cancel()` stops.
        var running: CancelFlag?
    }

    private let state = Mutex(State())
    /// Cursors declared with `DECLARE`, by name.
    private let cursors = Mutex<[String: SessionCursor]>([:])

    init(
        manager: QueryManager, connectors: QueryConnectors, serverVersion: String, user: String, role: Role,
        database: String = "rivulet", processID: Int32 = 0, onClose: @escaping @Sendable () -> Void = {}
    ) {
        self.user = user
        self.database = database
        self.processID = processID
        self.role = role
        self.onClose = onClose
        self.manager = manager
        self.connectors = connectors
        self.serverVersion = serverVersion
    }

    func execute(_ sql: String) async throws -> [StatementOutcome] {
        var outcomes: [StatementOutcome] = []
        for piece in StatementSplitter.split(sql) {
            do {
                outcomes += try await run(piece.text)
            } catch {
                let failure = piece.placed(Self.sqlError(error))
                if outcomes.isEmpty { throw failure }
                outcomes.append(.failed(failure))
                break
            }
        }
        return outcomes
    }

    func describe(_ sql: String, parameterTypes: [Int: SQLType]) async throws -> StatementDescription {
        guard let piece = StatementSplitter.split(sql).first else { return StatementDescription(columns: nil) }
        switch CursorStatement(piece.text) {
        case .fetch(let name, _):
            return StatementDescription(parameterTypes: parameterTypes, columns: cursors.withLock { $0[name] }?.schema)
        case .declare(_, let query, _, _):
            // No rows of its own; its parameters are the query's.
            let inner = try await describe(query, parameterTypes: parameterTypes)
            return StatementDescription(parameterTypes: inner.parameterTypes, columns: nil)
        case .move, .close:
            return StatementDescription(parameterTypes: parameterTypes, columns: nil)
        case nil:
            break
        }
        let settings = state.withLock { $0.settings }
        switch ClientCompatibility.answer(piece.text, settings: settings.values, serverVersion: serverVersion) {
        case .rows(let rows): return StatementDescription(parameterTypes: parameterTypes, columns: rows.schema)
        case .command, .set: return StatementDescription(parameterTypes: parameterTypes, columns: nil)
        case .failed(let error): throw piece.placed(error)
        case nil: break
        }
        do {
            guard let parsed = try parseScript(piece.text).first else { return StatementDescription(columns: nil) }
            let flag = CancelFlag()
            state.withLock { $0.running = flag }
            let context = bindingContext(for: parsed, parameterTypes: parameterTypes)
            let columns = try await manager.describe(parsed, settings: settings, context: context, cancel: flag)
            return StatementDescription(parameterTypes: context.parameterTypes, columns: columns)
        } catch {
            throw piece.placed(error)
        }
    }

    /// How `parsed` binds in this session: its parameters, the session's functions, and
    /// Postgres' names for the result columns of a SELECT.
    private func bindingContext(for parsed: ParsedStatement, parameterTypes: [Int: SQLType] = [:]) -> BindingContext {
        var naming = BindingContext.ColumnNaming.flink
        if case .query = parsed.statement { naming = .postgres }
        return BindingContext(
            parameterTypes: parameterTypes, columnNaming: naming,
            sessionFunction: { [self] name, arguments throws(SQLError) in try sessionFunction(name, arguments) },
            catalogDefinitions: { [manager] function in
                PGCatalogDefinitions.definitions(function, catalog: manager.catalogSnapshot.current)
            })
    }

    /// The functions Postgres clients call about their session, answered from it.
    private func sessionFunction(_ functionName: String, _ arguments: [Value]) throws(SQLError) -> Value? {
        func text(_ index: Int) -> String? {
            guard index < arguments.count, case .string(let text) = arguments[index] else { return nil }
            return text
        }
        switch (functionName, arguments.count) {
        case ("CURRENT_SCHEMA", 0): return .string("public")
        case ("CURRENT_DATABASE", 0), ("CURRENT_CATALOG", 0): return .string(database)
        case ("CURRENT_USER", 0), ("SESSION_USER", 0), ("USER", 0), ("CURRENT_ROLE", 0): return .string(user)
        case ("VERSION", 0): return .string(ClientCompatibility.versionText(serverVersion))
        case ("PG_BACKEND_PID", 0): return .int(Int64(processID))
        case ("PG_IS_IN_RECOVERY", 0): return .boolean(false)
        case ("CURRENT_SCHEMAS", 1):
            // An array in its text form, as `UNNEST` reads it.
            return .string(arguments[0] == .boolean(true) ? "{pg_catalog,public}" : "{public}")
        case ("TO_REGCLASS", 1), ("REGCLASS", 1):
            guard let name = text(0) else { return nil }
            let contents = manager.catalogSnapshot.current
            let oid = SystemCatalogConnector.regclass(name, relations: contents.relations, views: contents.views.map(\.name))
            if oid == nil, functionName == "REGCLASS" {
                throw SQLError(.undefinedTable, "relation \"\(name)\" does not exist")
            }
            return oid.map { .int($0) } ?? .null
        case ("REGNAMESPACE", 1):
            guard let name = text(0) else { return nil }
            guard let oid = SystemCatalogConnector.namespaceOIDs[name.lowercased()] else {
                throw SQLError(SQLState("3F000"), "schema \"\(name)\" does not exist")
            }
            return .int(oid)
        case ("CURRENT_SETTING", 1...2):
            guard let key = text(0) else { return .null }
            let settings = state.withLock { $0.settings.values }
            if let value = ClientCompatibility.setting(key.lowercased(), settings: settings, serverVersion: serverVersion) {
                return .string(value)
            }
            if arguments.count == 2, case .boolean(true) = arguments[1] { return .null }
            throw SQLError(.undefinedObject, "unrecognized configuration parameter \"\(key)\"")
        case ("SET_CONFIG", 3):
            guard let key = text(0) else { return .null }
            let value = text(1) ?? ""
            var settings = state.withLock { $0.settings }
            try settings.set(key, value)
            state.withLock { [settings] in $0.settings = settings }
            return .string(value)
        default:
            return nil
        }
    }

    func describeCursor(_ name: String) async throws -> Schema? {
        guard let cursor = cursors.withLock({ $0[name] }) else {
            throw SQLError(.invalidCursorName, "portal \"\(name)\" does not exist")
        }
        return cursor.schema
    }

    func cancel() {
        state.withLock { $0.running }?.set()
    }

    func close() async {
        cancel()
        cursors.withLock { $0.removeAll() }
        onClose()
    }

    /// Runs one statement of the string (a piece may hold several when the splitter could not
    /// tell them apart; the parser then splits them).
    private func run(_ text: String) async throws -> [StatementOutcome] {
        if let statement = CursorStatement(text) { return [try await run(statement, in: text)] }
        let settings = state.withLock { $0.settings }
        switch ClientCompatibility.answer(text, settings: settings.values, serverVersion: serverVersion) {
        case .command(let tag): return [.command(tag: tag)]
        case .set(let key, let value):
            var updated = settings
            if let value { try updated.set(key, value) } else { updated.reset(key) }
            state.withLock { [updated] in $0.settings = updated }
            return [.command(tag: "SET")]
        case .rows(let rows): return [.rows(RowSource(schema: rows.schema, rows: rows.rows))]
        case .failed(let error): throw error
        case nil: break
        }
        var outcomes: [StatementOutcome] = []
        for parsed in try parseScript(text) {
            outcomes.append(try await run(parsed))
        }
        return outcomes
    }

    /// `scrollCursor`: the statement is the query of a `DECLARE ... SCROLL CURSOR`, which a push
    /// query cannot be.
    private func run(_ parsed: ParsedStatement, scrollCursor: Bool = false) async throws -> StatementOutcome {
        let needed = Role.required(for: parsed.statement)
        guard role >= needed else {
            throw SQLError(
                .insufficientPrivilege,
                "permission denied: \(Role.verb(of: parsed.statement)) needs role \(needed.rawValue) "
                    + "(user \"\(user)\" has role \(role.rawValue))")
        }
        switch parsed.statement {
        case .set(let option):
            var settings = state.withLock { $0.settings }
            try settings.set(option.key, option.value)
            state.withLock { [settings] in $0.settings = settings }
            return .command(tag: "SET")
        case .reset(let reset):
            state.withLock { $0.settings.reset(reset.key) }
            return .command(tag: "RESET")
        case .show(let show) where show.kind == .properties:
            let rows = state.withLock { $0.settings }.inForce(checkpointIntervalMillis: CheckpointPolicy.serverIntervalMillis)
            return .rows(RowSource(schema: rows.schema, rows: rows.rows))
        default:
            break
        }
        let settings = state.withLock { $0.settings }
        // The cancel request and statement_timeout stop planning too, which a few views read
        // many times can make long.
        let flag = CancelFlag()
        state.withLock { $0.running = flag }
        let timer = settings.statementTimeoutMillis.map { millis in
            Task {
                try await Task.sleep(for: .milliseconds(millis))
                flag.timedOut()
            }
        }
        let outcome: QueryManager.Outcome
        do {
            outcome = try await manager.execute(parsed, settings: settings, context: bindingContext(for: parsed), cancel: flag)
        } catch {
            timer?.cancel()
            throw error
        }
        switch outcome {
        case .command(let tag):
            timer?.cancel()
            return .command(tag: tag)
        case .rows(let rows):
            timer?.cancel()
            return .rows(RowSource(schema: rows.schema, rows: rows.rows))
        case .started(let queries):
            timer?.cancel()
            return .rows(RowSource(schema: SelectCursor.startedSchema, rows: queries.map { [.string($0.id)] }))
        case .query(let prepared):
            let cursor: SelectCursor
            do {
                if scrollCursor, prepared.query.isPush {
                    // A scrollable cursor keeps every row to move back over; a push query's rows never end.
                    throw SQLError(
                        .featureNotSupported, "DECLARE SCROLL CURSOR ... EMIT CHANGES is not supported",
                        hint: "A push query's rows are unbounded: declare its cursor without SCROLL, or drop EMIT CHANGES.")
                }
                cursor = try SelectCursor(prepared, connectors: connectors, settings: settings, cancel: flag)
            } catch {
                timer?.cancel()
                throw error
            }
            let batches = AsyncThrowingStream<[[Value]], any Error>(unfolding: {
                do {
                    let batch = try await cursor.next()
                    if batch == nil { timer?.cancel() }
                    return batch
                } catch {
                    timer?.cancel()
                    throw error
                }
            })
            return .rows(RowSource(schema: cursor.schema, batches: batches))
        }
    }

    /// `DECLARE`, `FETCH` and `CLOSE`.
    private func run(_ statement: CursorStatement, in text: String) async throws -> StatementOutcome {
        switch statement {
        case .declare(let name, let query, let offset, let scroll):
            let prefix = text.prefix(offset)
            let lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
            let piece = StatementSplitter.Piece(
                text: query, offset: offset, line: lines.count, column: (lines.last?.count ?? 0) + 1)
            guard cursors.withLock({ $0[name] }) == nil else {
                throw SQLError(.duplicateCursor, "cursor \"\(name)\" already exists")
            }
            let outcome: StatementOutcome
            do {
                guard let parsed = try parseScript(query).first, case .query = parsed.statement else {
                    throw SQLError(.syntaxError, "DECLARE CURSOR takes a SELECT")
                }
                outcome = try await run(parsed, scrollCursor: scroll)
            } catch {
                throw piece.placed(Self.sqlError(error))
            }
            guard case .rows(let source) = outcome else { throw SQLError(.syntaxError, "DECLARE CURSOR takes a SELECT") }
            cursors.withLock { $0[name] = SessionCursor(source, scrollable: scroll) }
            return .command(tag: "DECLARE CURSOR")
        case .fetch(let name, let direction):
            let cursor = try declaredCursor(name)
            return .rows(RowSource(schema: cursor.schema, rows: try await cursor.fetch(direction), verb: "FETCH"))
        case .move(let name, let direction):
            // The rows FETCH would have returned, counted.
            return .command(tag: "MOVE \(try await declaredCursor(name).fetch(direction).count)")
        case .close(let name):
            if let name {
                guard cursors.withLock({ $0.removeValue(forKey: name) }) != nil else {
                    throw SQLError(.invalidCursorName, "cursor \"\(name)\" does not exist")
                }
            } else {
                cursors.withLock { $0.removeAll() }
            }
            return .command(tag: "CLOSE CURSOR")
        }
    }

    private func declaredCursor(_ name: String) throws -> SessionCursor {
        guard let cursor = cursors.withLock({ $0[name] }) else {
            throw SQLError(.invalidCursorName, "cursor \"\(name)\" does not exist")
        }
        return cursor
    }

    private static func sqlError(_ error: any Error) -> SQLError {
        if let error = error as? SQLError { return error }
        return SQLError(.internalError, "\(error)")
    }
}

/// Makes an `EngineSession` for each connection, all over one `QueryManager`, with the user's
/// role, and refuses a user's connection beyond the per-user limit.
struct EngineSessionProvider: SQLSessionProvider {
    let manager: QueryManager
    let connectors: QueryConnectors
    let serverVersion: String
    /// Each user's role; nil when the server has no users (everyone is admin). A user missing
    /// from the map is a reader.
    let roles: [String: Role]?
    let maxConnectionsPerUser: Int
    private let open = OpenSessions()
    /// Connections opened, refused and closed, at debug level.
    static let logger = Logger(label: "rivulet.connections")

    init(
        manager: QueryManager, connectors: QueryConnectors, serverVersion: String, roles: [String: Role]?,
        maxConnectionsPerUser: Int
    ) {
        self.manager = manager
        self.connectors = connectors
        self.serverVersion = serverVersion
        self.roles = roles
        self.maxConnectionsPerUser = maxConnectionsPerUser
    }

    func makeSession(for startup: SessionStartup) async throws -> any SQLSession {
        let user = startup.user
        let metadata: Logger.Metadata = ["user": "\(user)", "database": "\(startup.database)", "pid": "\(startup.processID)"]
        guard open.enter(user, limit: maxConnectionsPerUser) else {
            Self.logger.debug("connection refused: too many for the user", metadata: metadata)
            throw SQLError(.tooManyConnections, "too many connections for role \"\(user)\"")
        }
        Self.logger.debug("connection opened", metadata: metadata)
        let open = open
        return EngineSession(
            manager: manager, connectors: connectors, serverVersion: serverVersion, user: user,
            role: roles.map { $0[user] ?? .reader } ?? .admin, database: startup.database,
            processID: startup.processID, onClose: {
                open.leave(user)
                Self.logger.debug("connection closed", metadata: metadata)
            })
    }
}

/// Open sessions by user.
private final class OpenSessions: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Counts a new session of `user`; false (and not counted) when `limit` are open already.
    func enter(_ user: String, limit: Int) -> Bool {
        counts.withLock { counts in
            guard counts[user, default: 0] < limit else { return false }
            counts[user, default: 0] += 1
            return true
        }
    }

    func leave(_ user: String) {
        counts.withLock { counts in
            counts[user, default: 1] -= 1
            if counts[user] == 0 { counts[user] = nil }
        }
    }
}
