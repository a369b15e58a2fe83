public import RivuletCore

/// A message to a client. `BackendMessageEncoder` writes it.
public enum BackendMessage: Hashable, Sendable {
    /// The single byte `N` answering SSLRequest or GSSENCRequest: no encryption, go on in plain text.
    case encryptionRefused
    /// 'R'.
    case authentication(AuthenticationRequest)
    /// 'S': a run-time parameter the client should know (`server_version`, `TimeZone`, ...).
    case parameterStatus(name: String, value: String)
    /// 'K'.
    case backendKeyData(BackendKey)
    /// 'Z'.
    case readyForQuery(TransactionStatus)
    /// 'T'.
    case rowDescription([ColumnDescription])
    /// 'D': one row, every value in text format (NULL as length -1).
    case dataRow([Value])
    /// 'C': the command tag, e.g. `SELECT 3`, `INSERT 0 1`, `CREATE STREAM`.
    case commandComplete(String)
    /// 'I': the query string held no statement.
    case emptyQueryResponse
    /// 'E'.
    case errorResponse(ErrorFields)
    /// 'N'.
    case noticeResponse(ErrorFields)
    /// '1'.
    case parseComplete
    /// '2'.
    case bindComplete
    /// '3'.
    case closeComplete
    /// 'n': the described statement or portal returns no rows.
    case noData
    /// 't'.
    case parameterDescription([PGType])
    /// 's': Execute reached its row limit; another Execute continues the portal.
    case portalSuspended

    /// The type byte of each typed message.
    public enum ID: UInt8, Sendable {
        case authentication = 82  // R
        case parameterStatus = 83  // S
        case backendKeyData = 75  // K
        case readyForQuery = 90  // Z
        case rowDescription = 84  // T
        case dataRow = 68  // D
        case commandComplete = 67  // C
        case emptyQueryResponse = 73  // I
        case errorResponse = 69  // E
        case noticeResponse = 78  // N
        case parseComplete = 49  // 1
        case bindComplete = 50  // 2
        case closeComplete = 51  // 3
        case noData = 110  // n
        case parameterDescription = 116  // t
        case portalSuspended = 115  // s
    }
}

/// The transaction status carried by ReadyForQuery.
public enum TransactionStatus: UInt8, Hashable, Sendable {
    case idle = 73  // I
    case inTransaction = 84  // T
    case failedTransaction = 69  // E
}
