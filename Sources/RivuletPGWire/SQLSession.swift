public import RivuletCore

/// One client connection's conversation with the SQL engine. The wire layer calls it; the
/// engine implements it (RivuletPGWire never imports the engine).
///
/// Contract:
/// - Calls come one at a time per session, except `cancel()`, which may arrive from another
///   connection while `execute` or a returned row stream is running.
/// - Errors are `SQLError`s; their `span` offsets (0-based, in Characters) are relative to the
///   `sql` string passed in, so that multi-statement strings report the right position. Any other
///   error is reported as `XX000`.
public protocol SQLSession: Sendable {
    /// Runs every statement of `sql` in order (the simple query protocol), one outcome per
    /// statement; an empty array means the string held no statement. A statement that fails
    /// after earlier ones have produced outcomes ends the array with `.failed` (throwing then
    /// would lose the earlier results); statements after it do not run.
    ///
    /// A `.rows` outcome is consumed before the next outcome is looked at, so later statements
    /// may be run lazily by the engine when the wire layer starts reading them.
    func execute(_ sql: String) async throws -> [StatementOutcome]

    /// What `sql` (one statement, possibly holding `$1`, `$2`, ... placeholders) takes and
    /// produces, without running it: the type each placeholder takes from where it stands, and
    /// the result columns (nil for a statement that returns no rows). `parameterTypes` are the
    /// types the client declared, by placeholder number; they are kept. Used by the extended
    /// protocol's Parse (for the placeholders' types) and Describe.
    func describe(_ sql: String, parameterTypes: [Int: SQLType]) async throws -> StatementDescription

    /// The columns of the cursor `name` a statement declared (`DECLARE name CURSOR FOR ...`),
    /// which the extended protocol's Describe reaches as a portal; throws `34000` when there is
    /// no such cursor.
    func describeCursor(_ name: String) async throws -> Schema?

    /// Stops the running statement, if any (a CancelRequest, or the client went away). Its row
    /// stream should then finish; the wire layer reports `57014` to the client. Must not block.
    func cancel()

    /// The connection has ended; release what the session holds. Called exactly once.
    func close() async
}

extension SQLSession {
    public func close() async {}

    public func describeCursor(_ name: String) async throws -> Schema? {
        throw SQLError(.invalidCursorName, "portal \"\(name)\" does not exist")
    }
}

/// What a statement takes and produces, as Describe reports it.
public struct StatementDescription: Hashable, Sendable {
    /// The type of each `$n` placeholder, by number, where the statement or the client gives one.
    public var parameterTypes: [Int: SQLType]
    /// The result columns; nil for a statement without rows.
    public var columns: Schema?

    public init(parameterTypes: [Int: SQLType] = [:], columns: Schema?) {
        self.parameterTypes = parameterTypes
        self.columns = columns
    }
}

/// What one statement produced.
public enum StatementOutcome: Sendable {
    /// A statement without a result set, with its command tag (`CREATE STREAM`, `INSERT 0 3`, `SET`).
    case command(tag: String)
    /// A result set: a pull query's rows, or a push query's rows streaming until cancelled.
    case rows(RowSource)
    /// The statement failed; no later statement of the string ran.
    case failed(SQLError)
}

/// A result set's columns and its rows, delivered in batches as they become available.
///
/// Each batch is written to the client and flushed before the next is requested, so a producer
/// using `AsyncThrowingStream`'s bounded buffering (or an async iterator that computes on
/// demand) gets backpressure from a slow client.
public struct RowSource: Sendable {
    public var schema: Schema
    public var batches: AsyncThrowingStream<[[Value]], any Error>
    /// The command tag's verb: the tag is `"\(verb) \(rowCount)"`.
    public var verb: String

    public init(schema: Schema, batches: AsyncThrowingStream<[[Value]], any Error>, verb: String = "SELECT") {
        self.schema = schema
        self.batches = batches
        self.verb = verb
    }

    /// A finished result held in memory.
    public init(schema: Schema, rows: [[Value]], verb: String = "SELECT") {
        self.init(
            schema: schema,
            batches: AsyncThrowingStream { continuation in
                if !rows.isEmpty { continuation.yield(rows) }
                continuation.finish()
            },
            verb: verb)
    }
}

/// Creates the session for each new connection once the client has authenticated.
public protocol SQLSessionProvider: Sendable {
    /// Throwing an `SQLError` (e.g. `3D000` for an unknown database) refuses the connection
    /// with that error.
    func makeSession(for startup: SessionStartup) async throws -> any SQLSession
}

/// Who connected, as the startup message said.
public struct SessionStartup: Hashable, Sendable {
    public var user: String
    public var database: String
    /// Every startup parameter (`application_name`, `options`, `client_encoding`, ...).
    public var parameters: [String: String]
    /// The connection's process id, as BackendKeyData tells the client (`pg_backend_pid()`).
    public var processID: Int32 = 0

    public init(user: String, database: String, parameters: [String: String] = [:]) {
        self.user = user
        self.database = database
        self.parameters = parameters
    }
}
