/// A message from a client, as `FrontendMessageDecoder` produces it.
///
/// The first four cases arrive in the untyped startup packet; the rest are typed messages.
public enum FrontendMessage: Hashable, Sendable {
    /// SSLRequest (code 80877103): the client asks for TLS before the startup message.
    case sslRequest
    /// GSSENCRequest (code 80877104): the client asks for GSSAPI encryption.
    case gssEncryptionRequest
    /// StartupMessage (protocol 3.0) with its parameters (`user`, `database`, `application_name`, ...).
    case startup(Startup)
    /// CancelRequest (code 80877102), sent on a fresh connection to cancel another one's query.
    case cancel(BackendKey)
    /// Query 'Q': one string holding zero or more statements (the simple query protocol).
    case query(String)
    /// Parse 'P'.
    case parse(Parse)
    /// Bind 'B'.
    case bind(Bind)
    /// Describe 'D'.
    case describe(Target)
    /// Execute 'E'.
    case execute(Execute)
    /// Sync 'S': ends an extended-query cycle.
    case sync
    /// Flush 'H': send whatever is pending.
    case flush
    /// Close 'C'.
    case close(Target)
    /// Terminate 'X'.
    case terminate
    /// 'p': a password, a SASLInitialResponse or a SASLResponse. Which one depends on the
    /// authentication step, so the raw body is kept.
    case password([UInt8])

    /// The type byte of a typed message.
    public enum ID: UInt8, Sendable {
        case bind = 66  // B
        case close = 67  // C
        case describe = 68  // D
        case execute = 69  // E
        case flush = 72  // H
        case parse = 80  // P
        case query = 81  // Q
        case sync = 83  // S
        case terminate = 88  // X
        case password = 112  // p
    }

    /// A prepared statement or a portal, by name (`""` is the unnamed one).
    public enum Target: Hashable, Sendable {
        case statement(String)
        case portal(String)
    }

    public struct Startup: Hashable, Sendable {
        /// `3 << 16 | minor`.
        public var protocolVersion: UInt32
        /// Parameters in the order the client sent them.
        public var parameters: [String: String]

        public init(protocolVersion: UInt32 = 196_608, parameters: [String: String]) {
            self.protocolVersion = protocolVersion
            self.parameters = parameters
        }

        public var user: String? { parameters["user"] }
        /// The database, defaulting to the user name as Postgres does.
        public var database: String? { parameters["database"] ?? parameters["user"] }
    }

    public struct Parse: Hashable, Sendable {
        public var statementName: String
        public var query: String
        /// Declared parameter types; `unspecified` (0) or missing entries are left to the server.
        public var parameterTypes: [PGType]

        public init(statementName: String, query: String, parameterTypes: [PGType] = []) {
            self.statementName = statementName
            self.query = query
            self.parameterTypes = parameterTypes
        }
    }

    public struct Bind: Hashable, Sendable {
        public var portalName: String
        public var statementName: String
        /// Zero entries: all text; one entry: applies to all; else one per parameter.
        public var parameterFormats: [FormatCode]
        /// Parameter values, nil for NULL.
        public var parameters: [[UInt8]?]
        /// Zero entries: all text; one entry: applies to all; else one per column.
        public var resultFormats: [FormatCode]

        public init(
            portalName: String, statementName: String, parameterFormats: [FormatCode] = [],
            parameters: [[UInt8]?] = [], resultFormats: [FormatCode] = []
        ) {
            self.portalName = portalName
            self.statementName = statementName
            self.parameterFormats = parameterFormats
            self.parameters = parameters
            self.resultFormats = resultFormats
        }
    }

    public struct Execute: Hashable, Sendable {
        public var portalName: String
        /// Maximum rows to return; 0 means no limit.
        public var maxRows: Int32

        public init(portalName: String, maxRows: Int32 = 0) {
            self.portalName = portalName
            self.maxRows = maxRows
        }
    }
}

/// The wire format of a parameter or result column.
public struct FormatCode: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let text = FormatCode(rawValue: 0)
    public static let binary = FormatCode(rawValue: 1)
}
