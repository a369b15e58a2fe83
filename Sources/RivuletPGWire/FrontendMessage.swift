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
}
