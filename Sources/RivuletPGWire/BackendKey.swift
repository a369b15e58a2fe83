/// The process id and secret a backend hands out in BackendKeyData; a CancelRequest on another
/// connection must present both to cancel this connection's running query.
public struct BackendKey: Hashable, Sendable {
    public var processID: Int32
    public var secret: Int32

    public init(processID: Int32, secret: Int32) {
        self.processID = processID
        self.secret = secret
    }
}
