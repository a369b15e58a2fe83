import CLibPQ
import Foundation

/// One libpq connection to the server. Statements are sent with the simple query protocol;
/// a streaming statement uses single-row mode, so each row reaches the caller as it arrives.
/// Not thread-safe: one shell drives it from one thread (only `cancelHandle` is used from a
/// signal handler, through libpq's signal-safe `PQcancel`).
public final class PGConnection {
    /// Where to connect and as whom.
    public struct Parameters: Sendable {
        public var host: String
        public var port: Int
        public var user: String
        public var database: String
        public var password: String?

        public init(host: String, port: Int, user: String, database: String = "rivulet", password: String? = nil) {
            self.host = host
            self.port = port
            self.user = user
            self.database = database
            self.password = password
        }

        /// `host:port`, as messages name the server.
        public var address: String { "\(host):\(port)" }
    }

    /// The server could not be reached, refused the login, or dropped the connection.
    public struct ConnectionError: Error, Sendable, CustomStringConvertible {
        public var message: String
        /// The server asked for a password and none was given.
        public var needsPassword: Bool

        public var description: String { message }
    }

    /// A result column: its name and the Postgres type OID (to right-align numbers).
    public struct Column: Hashable, Sendable {
        public var name: String
        public var typeOID: UInt32

        public var isNumeric: Bool { [20, 21, 23, 700, 701, 1700].contains(typeOID) }
    }

    /// What a statement produces, in the order it arrives.
    public enum Event {
        /// The result's columns, once, before its rows.
        case columns([Column])
        case row([String?])
        /// The statement finished: its command tag (`CREATE STREAM`, `SELECT 3`).
        case completed(tag: String)
        case failed(ServerError)
    }

    public let parameters: Parameters
    private var handle: OpaquePointer?

    public init(_ parameters: Parameters) throws(ConnectionError) {
        self.parameters = parameters
        handle = try Self.connect(parameters)
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Whether the connection is up as far as libpq knows. `checkAlive()` also reads what the
    /// server may have sent since (a server that shut down closes the socket).
    public var isConnected: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Reads whatever the server sent while the connection was idle; false when the server
    /// closed it (it was restarted or stopped).
    public func checkAlive() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        if PQconsumeInput(handle) == 0 { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Connects again with the same parameters.
    public func reconnect() throws(ConnectionError) {
        if let handle { PQfinish(handle) }
        handle = nil
        handle = try Self.connect(parameters)
    }

    /// A cancel object for this connection's current backend; free it with `PQfreeCancel`
    /// (through `CancelHandle`). Nil when not connected.
    public func makeCancelHandle() -> CancelHandle? {
        guard let handle, let cancel = PQgetCancel(handle) else { return nil }
        return CancelHandle(cancel)
    }

    /// Sends `sql` and reports its results through `handle` as they arrive. With `streaming`,
    /// rows come one at a time (single-row mode) instead of after the whole result.
    /// Throws when the connection is lost before or during the statement.
    public func run(_ sql: String, streaming: Bool, _ report: (Event) -> Void) throws(ConnectionError) {
        guard let handle else { throw ConnectionError(message: "not connected", needsPassword: false) }
        var columnsSent = false
        if streaming {
            // Prepared first, so the header can be shown before the first row arrives.
            switch try prepare(sql, handle: handle) {
            case .failed(let error):
                report(.failed(error))
                return
            case .columns(let columns):
                if !columns.isEmpty {
                    report(.columns(columns))
                    columnsSent = true
                }
            }
            guard PQsendQueryPrepared(handle, "", 0, nil, nil, nil, 0) == 1 else { throw lost() }
            _ = PQsetSingleRowMode(handle)
        } else {
            guard PQsendQuery(handle, sql) == 1 else { throw lost() }
        }
        var failed = false
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK:
                if !columnsSent {
                    report(.columns(Self.columns(of: result)))
                    columnsSent = true
                }
                let fields = PQnfields(result)
                for row in 0..<PQntuples(result) {
                    report(.row((0..<fields).map { field in
                        PQgetisnull(result, row, field) == 1 ? nil : String(cString: PQgetvalue(result, row, field))
                    }))
                }
                if status == PGRES_TUPLES_OK { report(.completed(tag: String(cString: PQcmdStatus(result)))) }
                // The next statement of a multi-statement string has its own columns.
                if status == PGRES_TUPLES_OK { columnsSent = false }
            case PGRES_COMMAND_OK:
                report(.completed(tag: String(cString: PQcmdStatus(result))))
            case PGRES_EMPTY_QUERY:
                break
            case PGRES_FATAL_ERROR where PQstatus(handle) != CONNECTION_OK:
                failed = true
            case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
                report(.failed(Self.error(of: result)))
            default:
                // COPY and other modes the server never starts.
                report(.failed(ServerError(sqlState: "XX000", message: "unexpected result: \(String(cString: PQresStatus(status)))")))
            }
        }
        if failed || PQstatus(handle) != CONNECTION_OK { throw lost() }
    }

    private enum Prepared {
        case columns([Column])
        case failed(ServerError)
    }

    /// Parses `sql` as the unnamed statement and describes its result columns.
    private func prepare(_ sql: String, handle: OpaquePointer) throws(ConnectionError) -> Prepared {
        guard let parsed = PQprepare(handle, "", sql, 0, nil) else { throw lost() }
        defer { PQclear(parsed) }
        guard PQresultStatus(parsed) == PGRES_COMMAND_OK else {
            if PQstatus(handle) != CONNECTION_OK { throw lost() }
            return .failed(Self.error(of: parsed))
        }
        guard let described = PQdescribePrepared(handle, "") else { throw lost() }
        defer { PQclear(described) }
        guard PQresultStatus(described) == PGRES_COMMAND_OK else {
            if PQstatus(handle) != CONNECTION_OK { throw lost() }
            return .failed(Self.error(of: described))
        }
        return .columns(Self.columns(of: described))
    }

    private func lost() -> ConnectionError {
        let detail = handle.map { Self.firstLine(PQerrorMessage($0)) } ?? ""
        return ConnectionError(
            message: "the connection to the server at \(parameters.address) was lost" + (detail.isEmpty ? "" : " (\(detail))"),
            needsPassword: false)
    }

    private static func connect(_ parameters: Parameters) throws(ConnectionError) -> OpaquePointer {
        var settings: [(String, String)] = [
            ("host", parameters.host), ("port", String(parameters.port)), ("user", parameters.user),
            ("dbname", parameters.database), ("application_name", "rivulet shell"), ("client_encoding", "UTF8"),
            ("connect_timeout", "10"),
        ]
        if let password = parameters.password { settings.append(("password", password)) }
        let keywords = settings.map { strdup($0.0) }
        let values = settings.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let connection = (keywords.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { k in
            (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let connection else {
            throw ConnectionError(message: "cannot connect to the server at \(parameters.address): out of memory", needsPassword: false)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let needsPassword = PQconnectionNeedsPassword(connection) == 1
            let message = needsPassword
                ? "the server at \(parameters.address) asks user \(parameters.user) for a password: set PGPASSWORD, or start the shell in a terminal to be asked for it"
                : Self.describeFailure(PQerrorMessage(connection), parameters: parameters)
            PQfinish(connection)
            throw ConnectionError(message: message, needsPassword: needsPassword)
        }
        // Notices go to standard error as the server words them.
        PQsetNoticeProcessor(connection, { _, message in
            guard let message else { return }
            var text = String(cString: message)
            while text.last?.isNewline == true { text.removeLast() }
            Output.error(text)
        }, nil)
        return connection
    }

    /// libpq's message, reworded where it is cryptic: `connection to server at "127.0.0.1",
    /// port 5433 failed: Connection refused ...` becomes one line naming the fix.
    static func describeFailure(_ raw: UnsafePointer<CChar>?, parameters: Parameters) -> String {
        let text = raw.map { String(cString: $0) } ?? ""
        var reason = firstLine(raw)
        if let range = reason.range(of: "failed: ") { reason = String(reason[range.upperBound...]) }
        for severity in ["FATAL:", "ERROR:"] where reason.hasPrefix(severity) {
            reason = reason.dropFirst(severity.count).trimmingCharacters(in: .whitespaces)
        }
        if text.contains("Connection refused") {
            return "cannot reach the server at \(parameters.address): connection refused. Is `rivulet serve` running there? (--host, --port)"
        }
        return "cannot connect to the server at \(parameters.address): \(reason)"
    }

    static func firstLine(_ raw: UnsafePointer<CChar>?) -> String {
        guard let raw else { return "" }
        let text = String(cString: raw)
        // libpq may report several attempts, one line each; the one with "failed:" names the reason.
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.first(where: { $0.contains("failed:") }) ?? lines.first ?? ""
    }

    private static func columns(of result: OpaquePointer) -> [Column] {
        (0..<PQnfields(result)).map { field in
            Column(name: String(cString: PQfname(result, field)), typeOID: PQftype(result, field))
        }
    }

    private static func error(of result: OpaquePointer) -> ServerError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let message = field("M") ?? firstLine(PQresultErrorMessage(result))
        return ServerError(
            sqlState: field("C") ?? "XX000", message: message, hint: field("H"), detail: field("D"),
            position: field("P").flatMap { Int($0) })
    }
}

/// libpq's cancel object for one backend. `PQcancel` on it is safe in a signal handler.
public final class CancelHandle {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { PQfreeCancel(pointer) }
}
