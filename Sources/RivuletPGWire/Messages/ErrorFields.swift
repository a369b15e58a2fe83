public import RivuletCore

/// The fields of an ErrorResponse or NoticeResponse.
///
/// Written as `S` and `V` (severity, localized and not), `C` (SQLSTATE), `M` (message),
/// `D` (detail), `H` (hint) and `P` (1-based character position in the query string; clients
/// such as psql draw their own caret from it, so the message carries none).
public struct ErrorFields: Hashable, Sendable {
    public var severity: Severity
    public var state: SQLState
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based position in characters of the query string.
    public var position: Int?

    public init(
        severity: Severity = .error, state: SQLState, message: String, detail: String? = nil, hint: String? = nil,
        position: Int? = nil
    ) {
        self.severity = severity
        self.state = state
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
    }

    /// The fields for a `SQLError`: its span's start becomes `P`, its notes the detail.
    public init(_ error: SQLError, severity: Severity = .error) {
        self.init(
            severity: severity, state: error.state, message: error.message,
            detail: error.notes.isEmpty ? nil : error.notes.joined(separator: "\n"), hint: error.hint,
            position: error.span.map { $0.start.offset + 1 })
    }

    /// Severity as sent in `S` and `V`.
    public struct Severity: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let error = Severity(rawValue: "ERROR")
        /// Ends the connection.
        public static let fatal = Severity(rawValue: "FATAL")
        public static let notice = Severity(rawValue: "NOTICE")
        public static let warning = Severity(rawValue: "WARNING")
    }
}

extension SQLState {
    /// 08P01: the client broke the wire protocol.
    public static let protocolViolation = SQLState("08P01")
    /// 28P01: wrong password.
    public static let invalidPassword = SQLState("28P01")
    /// 28000: no such user, or no user given.
    public static let invalidAuthorization = SQLState("28000")
    /// 26000: no such prepared statement.
    public static let invalidSQLStatementName = SQLState("26000")
    /// 34000: no such portal.
    public static let invalidCursorName = SQLState("34000")
    /// 42P05: a prepared statement of that name exists.
    public static let duplicatePreparedStatement = SQLState("42P05")
    /// 42P03: a portal of that name exists.
    public static let duplicateCursor = SQLState("42P03")
}
