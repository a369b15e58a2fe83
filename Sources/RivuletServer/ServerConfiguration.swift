public import RivuletPGWire

/// How `rivulet serve` runs: where its files are and where it listens.
public struct ServerConfiguration: Sendable {
    /// The catalog log and connector state (checkpoints, embedded data) live here.
    public var dataDirectory: String
    /// Relative connector paths resolve against this directory.
    public var workingDirectory: String
    public var host: String
    /// Postgres wire protocol port; 0 picks a free one.
    public var pgPort: Int
    /// `/metrics` and `/healthz`; 0 picks a free port.
    public var httpPort: Int
    public var authentication: Authentication
    public var batchSize: Int
    /// Certificate and key for TLS on the pgwire port; without them clients connect unencrypted.
    public var tls: TLSCertificateFiles?

    public init(
        dataDirectory: String, workingDirectory: String, host: String = "127.0.0.1", pgPort: Int = 5433,
        httpPort: Int = 8080, authentication: Authentication = .trust, batchSize: Int = 8192,
        tls: TLSCertificateFiles? = nil
    ) {
        self.tls = tls
        self.dataDirectory = dataDirectory
        self.workingDirectory = workingDirectory
        self.host = host
        self.pgPort = pgPort
        self.httpPort = httpPort
        self.authentication = authentication
        self.batchSize = batchSize
    }
}
