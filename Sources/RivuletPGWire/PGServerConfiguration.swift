/// Where and how `PGServer` listens.
public struct PGServerConfiguration: Hashable, Sendable {
    public var host: String
    /// 0 picks a free port; `PGServer.run(onListening:)` reports the one bound.
    public var port: Int
    public var authentication: Authentication
    /// Reported as `server_version`.
    public var serverVersion: String
    /// The longest client message accepted; longer ones close the connection with 08P01.
    public var maximumMessageLength: Int
    /// With a certificate, an SSLRequest is answered `S` and the connection continues over TLS;
    /// without one it is answered `N` and the client goes on unencrypted (or gives up).
    public var tls: TLSCertificateFiles?
    /// How long a connection's socket may stay full (its client not reading) before the server
    /// closes the connection; results are written no faster than the client reads them.
    public var clientWriteTimeout: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 5433, authentication: Authentication = .trust,
        serverVersion: String = "15.0 (Rivulet)", maximumMessageLength: Int = 64 << 20, tls: TLSCertificateFiles? = nil,
        clientWriteTimeout: Duration = .seconds(60)
    ) {
        self.clientWriteTimeout = clientWriteTimeout
        self.tls = tls
        self.host = host
        self.port = port
        self.authentication = authentication
        self.serverVersion = serverVersion
        self.maximumMessageLength = maximumMessageLength
    }
}
