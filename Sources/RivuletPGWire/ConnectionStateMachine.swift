public import RivuletCore

/// The server side of one Postgres connection, as a pure value: every event goes in as a
/// past-tense method call, and what the connection must do comes out as `Action`s, in order.
/// It does no I/O; the connection handler performs the actions and reports back what happened
/// (`sessionStarted`, `executionCompleted`, ...).
///
/// It covers encryption negotiation (refused here: a server with a certificate accepts an
/// SSLRequest in `TLSNegotiationHandler`, before any message reaches the machine), startup and
/// authentication, the simple query protocol (one ReadyForQuery per query string), the extended
/// protocol (prepared statements and portals; after an error every message is skipped until
/// Sync), cancellation requests and termination.
public struct ConnectionStateMachine: Sendable {
    public struct Configuration: Hashable, Sendable {
        public var authentication: Authentication
        /// Reported as `server_version`; clients read the leading number for feature checks.
        public var serverVersion: String

        public init(authentication: Authentication = .trust, serverVersion: String = "15.0 (Rivulet)") {
            self.authentication = authentication
            self.serverVersion = serverVersion
        }
    }

    /// What the connection must do.
    public enum Action: Hashable, Sendable {
        /// Write a message (flushing is the handler's concern: at least before waiting for input).
        case send(BackendMessage)
        /// Create the engine session; report `sessionStarted(key:)` or `sessionFailed(_:)`.
        case startSession(SessionStartup)
        /// Run a query string through `SQLSession.execute`, writing each outcome's RowDescription,
        /// DataRows and CommandComplete (or EmptyQueryResponse for no statement); report
        /// `executionCompleted()` or `executionFailed(_:)`.
        case executeQuery(String)
        /// Describe a statement through `SQLSession.describe` (with its placeholders' known
        /// types); report `describeCompleted(_:)` or `executionFailed(_:)`.
        case describe(String, parameterTypes: [Int: SQLType])
        /// Describe a cursor a statement declared, through `SQLSession.describeCursor`; report
        /// `describeCompleted(_:)` or `executionFailed(_:)`.
        case describeCursor(String)
        /// Learn the types of a statement's placeholders the client left unspecified, through
        /// `SQLSession.describe`; report `parameterTypesInferred(_:)` (nil when describing failed).
        case inferParameterTypes(String, declared: [Int: SQLType])
        /// Run or resume a portal: its DataRows (no RowDescription) then CommandComplete, stopping
        /// after `maxRows` rows when it is positive; report `executionCompleted()`,
        /// `portalSuspended()` or `executionFailed(_:)`.
        case executePortal(PortalExecution)
        /// Forget the running or suspended results of these portals.
        case discardPortals([String])
        /// Cancel the query of the connection holding this key (a CancelRequest).
        case cancelQuery(BackendKey)
        /// Close the connection (after writing what was sent before).
        case closeConnection
    }

    /// A portal to run, as `Action.executePortal` carries it.
    public struct PortalExecution: Hashable, Sendable {
        public var portalName: String
        /// The statement with its parameters spliced in.
        public var sql: String
        /// 0: all rows.
        public var maxRows: Int
        /// True when an earlier Execute stopped at its row limit: continue that result.
        public var resumes: Bool
        /// Bind's result format codes.
        public var resultFormats: [FormatCode]

        public init(portalName: String, sql: String, maxRows: Int, resumes: Bool, resultFormats: [FormatCode] = []) {
            self.portalName = portalName
            self.sql = sql
            self.maxRows = maxRows
            self.resumes = resumes
            self.resultFormats = resultFormats
        }
    }

    public enum State: Sendable {
        case awaitingStartup
        case authenticating(SessionStartup, PasswordExchange)
        case startingSession(SessionStartup)
        case ready(Session)
        case executing(Session, Execution)
        /// An extended-protocol message failed: ignore everything up to Sync.
        case skippingToSync(Session)
        case closed
    }

    /// Where a password or SCRAM exchange stands.
    public struct PasswordExchange: Sendable {
        enum Step: Sendable {
            case cleartext(expected: String?)
            case scramAwaitingClientFirst(SCRAMAuthenticator)
            case scramAwaitingClientFinal(SCRAMAuthenticator)
        }

        var step: Step
    }

    /// What a running action will report back about.
    public enum Execution: Sendable {
        case simpleQuery
        /// A Parse waiting for its placeholders' types.
        case parse(statementName: String, query: String, parameterTypes: [PGType])
        case describeStatement(String)
        case describePortal(String)
        case portal(String)
    }

    /// Prepared statements and portals of a started session.
    public struct Session: Sendable {
        var statements: [String: PreparedStatement] = [:]
        var portals: [String: Portal] = [:]
    }

    struct PreparedStatement: Hashable, Sendable {
        var query: String
        var parameterTypes: [PGType]
    }

    struct Portal: Hashable, Sendable {
        var substitution: ParameterSubstitution
        var resultFormats: [FormatCode]
        var suspended = false
    }

    public private(set) var state: State = .awaitingStartup
    /// Reported in ReadyForQuery. The engine has no transactions of its own; the status follows
    /// the BEGIN / COMMIT / ROLLBACK command tags it answers with, so that drivers that wrap
    /// statements in transactions (psycopg, JDBC) stay in step.
    public private(set) var transactionStatus: TransactionStatus = .idle
    public let configuration: Configuration
    private let randomBytes: @Sendable (Int) -> [UInt8]
    /// The server certificate's `tls-server-end-point` data once the connection runs over TLS:
    /// SCRAM then also offers SCRAM-SHA-256-PLUS.
    private var channelBinding: [UInt8]?

    /// - Parameter randomBytes: the source of SCRAM salts and nonces (tests pass a fixed one).
    public init(
        configuration: Configuration = Configuration(),
        randomBytes: @escaping @Sendable (Int) -> [UInt8] = { count in
            var generator = SystemRandomNumberGenerator()
            return (0..<count).map { _ in generator.next() }
        }
    ) {
        self.configuration = configuration
        self.randomBytes = randomBytes
    }

    // MARK: - Messages from the client

    /// Dispatches a decoded client message to its event.
    public mutating func received(_ message: FrontendMessage) -> [Action] {
        switch message {
        case .sslRequest, .gssEncryptionRequest: return encryptionRequestReceived()
        case .startup(let startup): return startupReceived(startup)
        case .cancel(let key): return cancelRequestReceived(key)
        case .password(let bytes): return passwordReceived(bytes)
        case .query(let sql): return queryReceived(sql)
        case .parse(let parse): return parseReceived(parse)
        case .bind(let bind): return bindReceived(bind)
        case .describe(let target): return describeReceived(target)
        case .execute(let execute): return executeReceived(execute)
        case .close(let target): return closeReceived(target)
        case .sync: return syncReceived()
        case .flush: return []
        case .terminate: return terminateReceived()
        }
    }

    public mutating func encryptionRequestReceived() -> [Action] {
        guard case .awaitingStartup = state else { return protocolViolation("unexpected encryption request") }
        return [.send(.encryptionRefused)]
    }

    /// The connection was upgraded to TLS (before its StartupMessage).
    public mutating func tlsEstablished(channelBinding: [UInt8]) {
        self.channelBinding = channelBinding
    }

    public mutating func startupReceived(_ startup: FrontendMessage.Startup) -> [Action] {
        guard case .awaitingStartup = state else { return protocolViolation("unexpected startup message") }
        guard let user = startup.user, !user.isEmpty else {
            return fatal(.invalidAuthorization, "no PostgreSQL user name specified in startup packet")
        }
        let session = SessionStartup(user: user, database: startup.database ?? user, parameters: startup.parameters)
        switch configuration.authentication {
        case .trust:
            state = .startingSession(session)
            return [.startSession(session)]
        case .cleartextPassword(let users):
            state = .authenticating(session, PasswordExchange(step: .cleartext(expected: users[user])))
            return [.send(.authentication(.cleartextPassword))]
        case .scramSHA256(let users):
            let verifier = users[user] ?? SCRAMVerifier.unknownUser(randomBytes: randomBytes)
            let scram = SCRAMAuthenticator(verifier: verifier, channelBinding: channelBinding, randomBytes: randomBytes)
            state = .authenticating(session, PasswordExchange(step: .scramAwaitingClientFirst(scram)))
            return [.send(.authentication(.sasl(mechanisms: scram.mechanisms)))]
        }
    }

    public mutating func cancelRequestReceived(_ key: BackendKey) -> [Action] {
        guard case .awaitingStartup = state else { return protocolViolation("unexpected cancel request") }
        state = .closed
        return [.cancelQuery(key), .closeConnection]
    }

    /// A PasswordMessage, SASLInitialResponse or SASLResponse, depending on the exchange's step.
    public mutating func passwordReceived(_ bytes: [UInt8]) -> [Action] {
        guard case .authenticating(let session, let exchange) = state else {
            return protocolViolation("unexpected password message")
        }
        switch exchange.step {
        case .cleartext(let expected):
            guard bytes.last == 0 else { return protocolViolation("invalid password message") }
            guard let expected, Self.constantTimeEquals(Array(bytes.dropLast()), Array(expected.utf8)) else {
                return passwordRejected(session)
            }
            state = .startingSession(session)
            return [.startSession(session)]
        case .scramAwaitingClientFirst(var scram):
            do {
                let serverFirst = try scram.clientFirst(bytes)
                state = .authenticating(session, PasswordExchange(step: .scramAwaitingClientFinal(scram)))
                return [.send(.authentication(.saslContinue(serverFirst)))]
            } catch {
                return scramFailed(error, session)
            }
        case .scramAwaitingClientFinal(let scram):
            do {
                let serverFinal = try scram.clientFinal(bytes)
                state = .startingSession(session)
                return [.send(.authentication(.saslFinal(serverFinal))), .startSession(session)]
            } catch {
                return scramFailed(error, session)
            }
        }
    }

    private mutating func scramFailed(_ failure: SCRAMAuthenticator.Failure, _ session: SessionStartup) -> [Action] {
        switch failure {
        case .malformed(let message): return protocolViolation(message)
        case .rejected: return passwordRejected(session)
        }
    }

    private mutating func passwordRejected(_ session: SessionStartup) -> [Action] {
        fatal(.invalidPassword, "password authentication failed for user \"\(session.user)\"")
    }

    public mutating func queryReceived(_ sql: String) -> [Action] {
        switch state {
        case .ready(let session):
            state = .executing(session, .simpleQuery)
            return [.executeQuery(sql)]
        case .skippingToSync:
            return []
        default:
            return protocolViolation("unexpected Query message")
        }
    }

    public mutating func parseReceived(_ parse: FrontendMessage.Parse) -> [Action] {
        guard case .ready(var session) = state else { return skippedOrViolation("Parse") }
        if !parse.statementName.isEmpty, session.statements[parse.statementName] != nil {
            return extendedError(
                session, .duplicatePreparedStatement, "prepared statement \"\(parse.statementName)\" already exists")
        }
        let count = max(parse.parameterTypes.count, ParameterSubstitution.parameterCount(in: parse.query))
        guard count <= Int(Int16.max) else {
            return extendedError(session, .protocolViolation, "too many parameters: \(count)")
        }
        var types = parse.parameterTypes
        types += Array(repeating: .unspecified, count: count - types.count)
        if types.contains(.unspecified) {
            // Postgres types every placeholder at Parse, from where it stands in the statement.
            state = .executing(
                session, .parse(statementName: parse.statementName, query: parse.query, parameterTypes: types))
            return [.inferParameterTypes(parse.query, declared: Self.declared(types))]
        }
        session.statements[parse.statementName] = PreparedStatement(query: parse.query, parameterTypes: types)
        state = .ready(session)
        return [.send(.parseComplete)]
    }

    /// The placeholders' types the client declared, by number.
    private static func declared(_ types: [PGType]) -> [Int: SQLType] {
        var declared: [Int: SQLType] = [:]
        for (index, type) in types.enumerated() {
            if let sqlType = type.sqlType { declared[index + 1] = sqlType }
        }
        return declared
    }

    /// `types` with each unspecified placeholder given its inferred type, or `text` (what
    /// Postgres makes of a placeholder nothing types).
    private static func resolved(_ types: [PGType], inferred: [Int: SQLType]) -> [PGType] {
        types.enumerated().map { index, type in
            guard type == .unspecified else { return type }
            return inferred[index + 1].map { PGType($0) } ?? .text
        }
    }

    /// The placeholders' types of the statement being parsed, learned from the engine (nil:
    /// it could not describe the statement, which then fails when it is described or run).
    public mutating func parameterTypesInferred(_ inferred: [Int: SQLType]?) -> [Action] {
        guard case .executing(var session, .parse(let name, let query, let types)) = state else {
            return unexpectedReport("parameterTypesInferred")
        }
        let final = inferred.map { Self.resolved(types, inferred: $0) } ?? types
        session.statements[name] = PreparedStatement(query: query, parameterTypes: final)
        state = .ready(session)
        return [.send(.parseComplete)]
    }

    public mutating func bindReceived(_ bind: FrontendMessage.Bind) -> [Action] {
        guard case .ready(var session) = state else { return skippedOrViolation("Bind") }
        guard let statement = session.statements[bind.statementName] else {
            return extendedError(
                session, .invalidSQLStatementName, "prepared statement \"\(bind.statementName)\" does not exist")
        }
        if !bind.portalName.isEmpty, session.portals[bind.portalName] != nil {
            return extendedError(session, .duplicateCursor, "cursor \"\(bind.portalName)\" already exists")
        }
        guard bind.parameters.count == statement.parameterTypes.count else {
            return extendedError(
                session, .protocolViolation,
                "bind message supplies \(bind.parameters.count) parameters, but prepared statement "
                    + "\"\(bind.statementName)\" requires \(statement.parameterTypes.count)")
        }
        let formatCount = bind.parameterFormats.count
        guard formatCount <= 1 || formatCount == bind.parameters.count else {
            return extendedError(
                session, .protocolViolation,
                "bind message has \(formatCount) parameter formats but \(bind.parameters.count) parameters")
        }
        var values: [String?] = []
        for (index, bytes) in bind.parameters.enumerated() {
            guard let bytes else {
                values.append(nil)
                continue
            }
            switch bind.parameterFormats.format(at: index) {
            case .binary:
                guard let text = BinaryParameter.text(of: bytes, type: statement.parameterTypes[index]) else {
                    return extendedError(
                        session, .featureNotSupported,
                        "binary format is not supported for parameter $\(index + 1) of type \(statement.parameterTypes[index])")
                }
                values.append(text)
            default:
                values.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        let substitution = ParameterSubstitution(sql: statement.query, values: values, types: statement.parameterTypes)
        session.portals[bind.portalName] = Portal(substitution: substitution, resultFormats: bind.resultFormats)
        state = .ready(session)
        return [.send(.bindComplete)]
    }

    public mutating func describeReceived(_ target: FrontendMessage.Target) -> [Action] {
        guard case .ready(let session) = state else { return skippedOrViolation("Describe") }
        switch target {
        case .statement(let name):
            guard let statement = session.statements[name] else {
                return extendedError(session, .invalidSQLStatementName, "prepared statement \"\(name)\" does not exist")
            }
            state = .executing(session, .describeStatement(name))
            return [.describe(statement.query, parameterTypes: Self.declared(statement.parameterTypes))]
        case .portal(let name):
            guard let portal = session.portals[name] else {
                // A cursor declared with DECLARE is a portal too.
                state = .executing(session, .describePortal(name))
                return [.describeCursor(name)]
            }
            state = .executing(session, .describePortal(name))
            return [.describe(portal.substitution.sql, parameterTypes: [:])]
        }
    }

    public mutating func executeReceived(_ execute: FrontendMessage.Execute) -> [Action] {
        guard case .ready(let session) = state else { return skippedOrViolation("Execute") }
        guard let portal = session.portals[execute.portalName] else {
            return extendedError(session, .invalidCursorName, "portal \"\(execute.portalName)\" does not exist")
        }
        state = .executing(session, .portal(execute.portalName))
        return [
            .executePortal(
                PortalExecution(
                    portalName: execute.portalName, sql: portal.substitution.sql, maxRows: max(0, Int(execute.maxRows)),
                    resumes: portal.suspended, resultFormats: portal.resultFormats))
        ]
    }

    public mutating func closeReceived(_ target: FrontendMessage.Target) -> [Action] {
        guard case .ready(var session) = state else { return skippedOrViolation("Close") }
        switch target {
        case .statement(let name):
            session.statements[name] = nil
            state = .ready(session)
            return [.send(.closeComplete)]
        case .portal(let name):
            let existed = session.portals.removeValue(forKey: name) != nil
            state = .ready(session)
            return existed ? [.discardPortals([name]), .send(.closeComplete)] : [.send(.closeComplete)]
        }
    }

    public mutating func syncReceived() -> [Action] {
        switch state {
        case .ready(var session), .skippingToSync(var session):
            // Outside a transaction block, Sync ends the implicit transaction and its portals.
            let portals = session.portals.keys.sorted()
            session.portals = [:]
            state = .ready(session)
            return (portals.isEmpty ? [] : [.discardPortals(portals)]) + [.send(.readyForQuery(transactionStatus))]
        default:
            return protocolViolation("unexpected Sync message")
        }
    }

    public mutating func terminateReceived() -> [Action] {
        state = .closed
        return [.closeConnection]
    }

    /// The byte stream broke the protocol: tell the client and close.
    public mutating func decodingFailed(_ error: FrontendMessageDecodingError) -> [Action] {
        protocolViolation(error.message)
    }

    // MARK: - Reports from the handler

    public mutating func sessionStarted(key: BackendKey) -> [Action] {
        guard case .startingSession(let startup) = state else { return unexpectedReport("sessionStarted") }
        state = .ready(Session())
        let statuses: [(String, String)] = [
            ("server_version", configuration.serverVersion),
            ("server_encoding", "UTF8"),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO, MDY"),
            ("IntervalStyle", "postgres"),
            ("integer_datetimes", "on"),
            ("standard_conforming_strings", "on"),
            ("TimeZone", "UTC"),
            ("is_superuser", "off"),
            ("session_authorization", startup.user),
            ("application_name", startup.parameters["application_name"] ?? ""),
        ]
        return [.send(.authentication(.ok))]
            + statuses.map { .send(.parameterStatus(name: $0.0, value: $0.1)) }
            + [.send(.backendKeyData(key)), .send(.readyForQuery(.idle))]
    }

    public mutating func sessionFailed(_ error: SQLError) -> [Action] {
        guard case .startingSession = state else { return unexpectedReport("sessionFailed") }
        state = .closed
        return [.send(.errorResponse(ErrorFields(error, severity: .fatal))), .closeConnection]
    }

    public mutating func describeCompleted(_ schema: Schema?) -> [Action] {
        describeCompleted(StatementDescription(columns: schema))
    }

    public mutating func describeCompleted(_ description: StatementDescription) -> [Action] {
        guard case .executing(var session, let execution) = state else { return unexpectedReport("describeCompleted") }
        let schema = description.columns
        let rows: BackendMessage
        switch execution {
        case .describeStatement(let name):
            guard var statement = session.statements[name] else { return unexpectedReport("describeCompleted") }
            statement.parameterTypes = Self.resolved(statement.parameterTypes, inferred: description.parameterTypes)
            session.statements[name] = statement
            state = .ready(session)
            rows = schema.map { .rowDescription(ColumnDescription.describing($0)) } ?? .noData
            return [.send(.parameterDescription(statement.parameterTypes)), .send(rows)]
        case .describePortal(let name):
            state = .ready(session)
            let formats = session.portals[name]?.resultFormats ?? []
            rows = schema.map { .rowDescription(ColumnDescription.describing($0, formats: formats)) } ?? .noData
            return [.send(rows)]
        case .simpleQuery, .portal, .parse:
            return unexpectedReport("describeCompleted")
        }
    }

    /// A query string or a portal ran to its end.
    public mutating func executionCompleted() -> [Action] {
        guard case .executing(var session, let execution) = state else { return unexpectedReport("executionCompleted") }
        switch execution {
        case .simpleQuery:
            // A simple Query also ends the implicit transaction, and the unnamed portal with it.
            session.portals[""] = nil
            state = .ready(session)
            return [.send(.readyForQuery(transactionStatus))]
        case .portal(let name):
            session.portals[name]?.suspended = false
            state = .ready(session)
            return []
        case .describeStatement, .describePortal, .parse:
            return unexpectedReport("executionCompleted")
        }
    }

    /// A statement finished with this command tag (reported before `executionCompleted`).
    public mutating func commandCompleted(tag: String) -> [Action] {
        switch tag.uppercased() {
        case "BEGIN", "START TRANSACTION": transactionStatus = .inTransaction
        case "COMMIT", "ROLLBACK": transactionStatus = .idle
        default: break
        }
        return []
    }

    /// A portal stopped at its row limit.
    public mutating func portalSuspended() -> [Action] {
        guard case .executing(var session, .portal(let name)) = state else { return unexpectedReport("portalSuspended") }
        session.portals[name]?.suspended = true
        state = .ready(session)
        return [.send(.portalSuspended)]
    }

    /// The running query string, portal or describe failed. Positions in the error are
    /// relative to the text the engine saw; they are mapped back to the client's text.
    public mutating func executionFailed(_ error: SQLError) -> [Action] {
        guard case .executing(let session, let execution) = state else { return unexpectedReport("executionFailed") }
        switch execution {
        case .simpleQuery:
            state = .ready(session)
            if transactionStatus == .inTransaction { transactionStatus = .failedTransaction }
            return [.send(.errorResponse(ErrorFields(error))), .send(.readyForQuery(transactionStatus))]
        case .describeStatement:
            return extendedError(session, error)
        case .parse:
            return unexpectedReport("executionFailed")
        case .describePortal(let name), .portal(let name):
            let mapped = session.portals[name]?.substitution.mapped(error) ?? error
            return extendedError(session, mapped)
        }
    }

    // MARK: - Errors

    private mutating func extendedError(_ session: Session, _ state: SQLState, _ message: String) -> [Action] {
        extendedError(session, SQLError(state, message))
    }

    private mutating func extendedError(_ session: Session, _ error: SQLError) -> [Action] {
        state = .skippingToSync(session)
        if transactionStatus == .inTransaction { transactionStatus = .failedTransaction }
        return [.send(.errorResponse(ErrorFields(error)))]
    }

    private mutating func skippedOrViolation(_ message: String) -> [Action] {
        if case .skippingToSync = state { return [] }
        return protocolViolation("unexpected \(message) message")
    }

    private mutating func protocolViolation(_ message: String) -> [Action] {
        fatal(.protocolViolation, message)
    }

    private mutating func fatal(_ code: SQLState, _ message: String) -> [Action] {
        state = .closed
        return [.send(.errorResponse(ErrorFields(severity: .fatal, state: code, message: message))), .closeConnection]
    }

    /// A report that does not fit the state is a bug in the handler, not the client's fault.
    private mutating func unexpectedReport(_ event: String) -> [Action] {
        fatal(.internalError, "internal error: \(event) in state \(state)")
    }

    private static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
